import { QUOTA_SCOPES, type QuotaScope, type ScopedLimits } from "../config/quota-limits.js";
import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import { placeOf } from "../core/conversation/place.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";
import { LuaScript } from "./lua-script.js";
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
  /** Admins are not limited. */
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

/** Points held: `giveBack` returns them (the work was refused or failed before it was sent). */
export interface QuotaHold {
  giveBack(): Promise<void>;
}

/** Points taken: `giveBack` returns them (the work was refused or failed before it was sent). */
export type QuotaTake = ({ ok: true } & QuotaHold) | { ok: false; refusal: QuotaRefusal };

/** A turn's admission: its points and its running slot, each given back on its own. */
export type QuotaAdmission =
  | { ok: true; points: QuotaHold; running: QuotaHold }
  | { ok: false; refusal: QuotaRefusal };

/** What one admission asks, all checked (and taken) in one Redis round trip. */
export interface QuotaAsk {
  /** One point of this kind is taken in every scope (none when one scope is full). */
  take?: QuotaKind | undefined;
  /** Refused when one of these kinds is used up in a scope; nothing of them is taken. */
  full?: readonly QuotaKind[] | undefined;
  /** A slot among the member's running turns (`QUOTA_RUNNING_TURNS_PER_USER`, a member limit). */
  running?: boolean | undefined;
  /** Scopes neither checked nor counted (the sender's role exempts them); the running slot goes with "user". */
  exempt?: readonly QuotaScope[] | undefined;
}

/** Who is counted. */
export interface QuotaSubject {
  ref: ConversationRef;
  userId: string;
}

const HOUR_MS = 3_600_000;
const WINDOW_MS: Record<QuotaKind, number> = {
  turns: HOUR_MS,
  generations: 24 * HOUR_MS,
  exports: 24 * HOUR_MS,
};
/** A running slot not given back (a crashed worker) frees itself after this (stream cap + recovery). */
const RUNNING_SLOT_MS = 30 * 60_000;

/**
 * One step for every counter of an admission. ARGV holds one (op, max, window ms) triple per key: "f"
 * refuses when the counter is at its max, "t" when taking one would pass it, "c" only counts. Nothing
 * is written unless no counter refuses; then every "t" and "c" counter gains one, a new one living one
 * window (a fixed window, as the rate-limiter-flexible counters of earlier versions, which it reads on):
 * one SET with its TTL for a new counter (or one left below zero by a late give-back, which has none),
 * one INCR for a running one. Only counting ("c" alone: a generation that happened) reads nothing:
 * one INCR each, and a PEXPIRE for a counter it started. → {0}, or {index of the refusing key, its ms
 * left}.
 */
const ADMIT = new LuaScript(`
local counting = true
for i = 1, #KEYS do
  if ARGV[3 * i - 2] ~= 'c' then counting = false end
end
if counting then
  for i = 1, #KEYS do
    if redis.call('INCR', KEYS[i]) <= 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i]) end
  end
  return {0}
end
local used = redis.call('MGET', unpack(KEYS))
for i = 1, #KEYS do
  local op, max = ARGV[3 * i - 2], tonumber(ARGV[3 * i - 1])
  local n = tonumber(used[i]) or 0
  if (op == 'f' and n >= max) or (op == 't' and n + 1 > max) then
    return {i, redis.call('PTTL', KEYS[i])}
  end
end
for i = 1, #KEYS do
  if ARGV[3 * i - 2] ~= 'f' then
    if used[i] and tonumber(used[i]) >= 0 then
      redis.call('INCR', KEYS[i])
    else
      redis.call('SET', KEYS[i], 1, 'PX', ARGV[3 * i])
    end
  end
end
return {0}`);

interface Counter {
  key: string;
  op: "f" | "t" | "c";
  max: number;
  windowMs: number;
  limit: QuotaKind | "running";
  scope: QuotaScope | undefined;
}

const FREE: QuotaHold = { giveBack: async () => undefined };

/**
 * Per user, channel, guild/workspace and global quotas: fixed-window counters in Redis (strings under
 * the deployment's hash-tagged prefix, `rl:<kind>:<scope>:<key>`, so one Redis Cluster slot). Every
 * counter of one admission is checked and taken by one Lua step (one round trip, nothing kept when one
 * scope refuses). Only work that is sent counts: points taken just before sending are given back when
 * the send is refused or fails before it leaves.
 */
export class Quotas {
  /** Prometheus: refusals by platform and limit (no user or place ids as labels). */
  readonly refusedTotal = storeCounter(
    "nemo_quota_refusals_total",
    "Work refused by a quota, by platform and limit (turns, generations, exports, queued, running)",
    ["platform", "limit"] as const,
  );
  private readonly limits: Record<QuotaKind, ScopedLimits>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    readonly settings: QuotaSettings,
  ) {
    this.limits = {
      turns: settings.turnsPerHour,
      generations: settings.generationsPerDay,
      exports: settings.exportsPerDay,
    };
  }

  /**
   * Checks and takes everything `ask` names in one round trip: refused (nothing taken) when a `full`
   * kind is used up, a `take` scope is full or the running slots are; else the points and the slot,
   * each given back on its own.
   */
  async admit(subject: QuotaSubject, ask: QuotaAsk): Promise<QuotaAdmission> {
    const exempt = new Set(ask.exempt ?? []);
    const counters = [
      ...(ask.full ?? []).flatMap((kind) => this.counters(kind, "f", subject, exempt)),
      ...(ask.take ? this.counters(ask.take, "t", subject, exempt) : []),
    ];
    const points = counters.filter((counter) => counter.op === "t");
    const runningKey = ask.running && !exempt.has("user") ? this.runningCounter(subject) : undefined;
    if (runningKey) counters.push(runningKey);
    const refusal = await this.run(counters);
    if (refusal) {
      this.refused(subject, refusal.limit);
      return { ok: false, refusal };
    }
    return {
      ok: true,
      points: points.length > 0 ? this.hold(points) : FREE,
      running: runningKey ? this.hold([runningKey]) : FREE,
    };
  }

  /** Takes one point of `kind` in every scope (an export); when one scope is full, none is kept. */
  async take(kind: QuotaKind, subject: QuotaSubject, exempt?: readonly QuotaScope[]): Promise<QuotaTake> {
    const admission = await this.admit(subject, { take: kind, exempt });
    return admission.ok ? { ok: true, giveBack: admission.points.giveBack } : admission;
  }

  /** Counts one of `kind` that already happened (a generation the stream reported), in one round trip. */
  async count(kind: QuotaKind, subject: QuotaSubject, exempt: readonly QuotaScope[] = []): Promise<void> {
    const counters = this.counters(kind, "c", subject, new Set(exempt));
    if (counters.length > 0) await this.run(counters);
  }

  /** Counts a refusal made elsewhere (the queued-messages limit). */
  refused(subject: QuotaSubject, limit: QuotaRefusal["limit"]): void {
    this.refusedTotal.inc({ platform: subject.ref.platform, limit });
  }

  /** Points used of the member's own counters (for `/usage`), in one read. */
  async userLimits(subject: QuotaSubject): Promise<{ kind: QuotaKind; used: number; max: number }[]> {
    const kinds = (["turns", "generations", "exports"] as const).filter((kind) => this.limits[kind].user > 0);
    if (kinds.length === 0) return [];
    const used = await this.redis.mget(...kinds.map((kind) => this.counterKey(kind, "user", subject)));
    return kinds.map((kind, index) => ({
      kind,
      used: Math.max(0, Number(used[index] ?? 0)),
      max: this.limits[kind].user,
    }));
  }

  private counters(
    kind: QuotaKind,
    op: Counter["op"],
    subject: QuotaSubject,
    exempt: ReadonlySet<QuotaScope>,
  ): Counter[] {
    const limits = this.limits[kind];
    return QUOTA_SCOPES.filter((scope) => limits[scope] > 0 && !exempt.has(scope)).map((scope) => ({
      key: this.counterKey(kind, scope, subject),
      op,
      max: limits[scope],
      windowMs: WINDOW_MS[kind],
      limit: kind,
      scope,
    }));
  }

  private runningCounter(subject: QuotaSubject): Counter | undefined {
    const max = this.settings.runningTurnsPerUser;
    if (max <= 0) return undefined;
    const key = `${this.keys.quota("running")}:${scopeKey("user", subject)}`;
    return { key, op: "t", max, windowMs: RUNNING_SLOT_MS, limit: "running", scope: undefined };
  }

  private counterKey(kind: QuotaKind, scope: QuotaScope, subject: QuotaSubject): string {
    return `${this.keys.quota(`${kind}:${scope}`)}:${scopeKey(scope, subject)}`;
  }

  /** One Lua step over `counters`: the refusal, if one refused (then nothing was taken). */
  private async run(counters: Counter[]): Promise<QuotaRefusal | undefined> {
    if (counters.length === 0) return undefined;
    const args = counters.flatMap((counter) => [counter.op, String(counter.max), String(counter.windowMs)]);
    const [index, pttl] = (await ADMIT.run(
      this.redis,
      counters.length,
      ...counters.map((counter) => counter.key),
      ...args,
    )) as [number, number?];
    const refused = counters[index - 1];
    if (!refused) return undefined;
    if (refused.limit === "running") return { limit: "running", max: refused.max, resetMs: 0 };
    return { limit: refused.limit, scope: refused.scope, max: refused.max, resetMs: Math.max(0, pttl ?? 0) };
  }

  /**
   * Gives one point back to each counter: one DECR each, no script. A counter that expired meanwhile
   * comes back below zero and without a TTL: it gets one (a second round trip, only then), and an
   * admission starts it afresh (ADMIT). A process dying between the two leaves it without a TTL until
   * its member's next admission.
   */
  private hold(counters: Counter[]): QuotaHold {
    return {
      giveBack: async () => {
        const decrements = this.redis.pipeline();
        for (const counter of counters) decrements.decr(counter.key);
        const results = (await decrements.exec()) ?? [];
        const failed = results.find(([error]) => error)?.[0];
        if (failed) throw failed;
        const below = counters.filter((_, index) => Number(results[index]?.[1]) < 0);
        if (below.length === 0) return;
        const expiries = this.redis.pipeline();
        for (const counter of below) expiries.pexpire(counter.key, counter.windowMs);
        await expiries.exec();
      },
    };
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
