import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { QUOTA_SCOPES, type QuotaScope, type ScopedLimits } from "../config/quota-limits.js";
import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import { placeOf } from "../core/conversation/place.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";
import { storeCounter } from "./store-counter.js";

/** What the quotas count: backend turns (an hour), generations and exports (a day). */
export type QuotaKind = "turns" | "generations" | "exports";

export interface QuotaSettings {
  turnsPerHour: ScopedLimits;
  generationsPerDay: ScopedLimits;
  exportsPerDay: ScopedLimits;
  /** Messages waiting in one thread's line (beyond the one running); 0 = unlimited. */
  queuedPerThread: number;
  /** Turns one member has streaming at once, across threads; 0 = unlimited. */
  runningTurnsPerUser: number;
  /** Place admins are not limited by their own place's scopes (channel, workspace, queued). */
  adminsExempt: boolean;
}

/** Which limit refused, and when it frees up again. */
export interface QuotaRefusal {
  limit: QuotaKind | "queued" | "running";
  scope?: QuotaScope | undefined;
  max: number;
  /** Milliseconds until a point is free again (0 when it depends on other work finishing). */
  resetMs: number;
}

/** Points taken: `giveBack` returns them (the work was refused or failed before it was sent). */
export type QuotaTake = { ok: true; giveBack(): Promise<void> } | { ok: false; refusal: QuotaRefusal };

/** Who is counted. */
export interface QuotaSubject {
  ref: ConversationRef;
  userId: string;
  /** Scopes the subject is exempt from (a place admin's own place: see `Permissions.quotaExemption`). */
  skip?: readonly QuotaScope[] | undefined;
}

interface ScopeCounter {
  scope: QuotaScope;
  max: number;
  limiter: RateLimiterRedis;
}

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
/** A running slot not given back (a crashed worker) frees itself after this (stream cap + recovery). */
const RUNNING_SLOT_S = 30 * 60;

/**
 * Per user, channel, guild/workspace and global quotas, counted in Redis with `rate-limiter-flexible`
 * (fixed windows; keys under the deployment's hash-tagged prefix, so one Redis Cluster slot). Only work
 * that is sent counts: a point taken just before sending is given back when the send is refused or fails
 * before it leaves.
 */
export class Quotas {
  /** Prometheus: refusals by platform and limit (no user or place ids as labels). */
  readonly refusedTotal = storeCounter(
    "nemo_quota_refusals_total",
    "Work refused by a quota, by platform and limit (turns, generations, exports, queued, running)",
    ["platform", "limit"] as const,
  );
  private readonly counters: Record<QuotaKind, ScopeCounter[]>;
  private readonly running: RateLimiterRedis | undefined;

  constructor(
    redis: RedisClient,
    keys: Keys,
    readonly settings: QuotaSettings,
  ) {
    const counters = (kind: QuotaKind, limits: ScopedLimits, duration: number): ScopeCounter[] =>
      QUOTA_SCOPES.filter((scope) => limits[scope] > 0).map((scope) => ({
        scope,
        max: limits[scope],
        limiter: new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: keys.quota(`${kind}:${scope}`),
          points: limits[scope],
          duration,
        }),
      }));
    this.counters = {
      turns: counters("turns", settings.turnsPerHour, HOUR_S),
      generations: counters("generations", settings.generationsPerDay, DAY_S),
      exports: counters("exports", settings.exportsPerDay, DAY_S),
    };
    this.running =
      settings.runningTurnsPerUser > 0
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: keys.quota("running"),
            points: settings.runningTurnsPerUser,
            duration: RUNNING_SLOT_S,
          })
        : undefined;
  }

  /** Takes one point in every scope; when one scope is full, none is kept and it says which. */
  async take(kind: QuotaKind, subject: QuotaSubject): Promise<QuotaTake> {
    const taken: { limiter: RateLimiterRedis; key: string }[] = [];
    const giveBack = async () => {
      await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key, 1)));
    };
    for (const counter of this.scoped(kind, subject)) {
      const key = scopeKey(counter.scope, subject);
      try {
        await counter.limiter.consume(key, 1);
        taken.push({ limiter: counter.limiter, key });
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          await giveBack();
          throw rejection;
        }
        // A refused consume still counted itself: give that point back too.
        taken.push({ limiter: counter.limiter, key });
        await giveBack();
        this.refused(subject, kind);
        return {
          ok: false,
          refusal: { limit: kind, scope: counter.scope, max: counter.max, resetMs: rejection.msBeforeNext },
        };
      }
    }
    return { ok: true, giveBack };
  }

  /** The first full scope of `kind`, without taking anything (generations are counted after the fact). */
  async full(kind: QuotaKind, subject: QuotaSubject): Promise<QuotaRefusal | undefined> {
    for (const counter of this.scoped(kind, subject)) {
      const state = await counter.limiter.get(scopeKey(counter.scope, subject));
      if (state && state.consumedPoints >= counter.max) {
        this.refused(subject, kind);
        return { limit: kind, scope: counter.scope, max: counter.max, resetMs: state.msBeforeNext };
      }
    }
    return undefined;
  }

  /** Counts one of `kind` that already happened (a generation the stream reported). */
  async count(kind: QuotaKind, subject: QuotaSubject): Promise<void> {
    await Promise.all(
      this.scoped(kind, subject).map((counter) =>
        counter.limiter.penalty(scopeKey(counter.scope, subject), 1),
      ),
    );
  }

  /** A slot among the member's turns running at once; `giveBack` when the turn's stream is over. */
  async takeRunning(subject: QuotaSubject): Promise<QuotaTake> {
    const running = this.running;
    if (!running) return { ok: true, giveBack: async () => undefined };
    const key = scopeKey("user", subject);
    const giveBack = async () => void (await running.reward(key, 1));
    try {
      await running.consume(key, 1);
      return { ok: true, giveBack };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      await giveBack();
      this.refused(subject, "running");
      return { ok: false, refusal: { limit: "running", max: this.settings.runningTurnsPerUser, resetMs: 0 } };
    }
  }

  /** The counters of `kind` the subject is counted in. */
  private scoped(kind: QuotaKind, subject: QuotaSubject): ScopeCounter[] {
    const skip = subject.skip;
    return skip
      ? this.counters[kind].filter((counter) => !skip.includes(counter.scope))
      : this.counters[kind];
  }

  /** Counts a refusal made elsewhere (the queued-messages limit). */
  refused(subject: QuotaSubject, limit: QuotaRefusal["limit"]): void {
    this.refusedTotal.inc({ platform: subject.ref.platform, limit });
  }

  /** Remaining points of the member's own counters (for `/usage`). */
  async userLimits(subject: QuotaSubject): Promise<{ kind: QuotaKind; used: number; max: number }[]> {
    const out: { kind: QuotaKind; used: number; max: number }[] = [];
    for (const kind of ["turns", "generations", "exports"] as const) {
      const counter = this.counters[kind].find((candidate) => candidate.scope === "user");
      if (!counter) continue;
      const state = await counter.limiter.get(scopeKey("user", subject));
      out.push({ kind, used: Math.max(0, state?.consumedPoints ?? 0), max: counter.max });
    }
    return out;
  }
}

function scopeKey(scope: QuotaScope, { ref, userId }: QuotaSubject): string {
  switch (scope) {
    case "user":
      return `${ref.platform}:${userId}`;
    case "channel":
      return `${ref.platform}:${ref.workspace}:${ref.channel}`;
    case "workspace":
      // A DM is a place of its own, per member (place.ts).
      return `${ref.platform}:${placeOf(ref)}`;
    case "global":
      return "all";
  }
}
