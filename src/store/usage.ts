import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import { placeOf } from "../core/conversation/place.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";
import { storeCounter } from "./store-counter.js";

/** What usage counts: turns sent to the backend, generations among them, exports started. */
export const USAGE_KINDS = ["turns", "generations", "exports"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export type UsageCounts = Record<UsageKind, number>;

/**
 * Rough credit cost for the usage report: ~100 per generated clip, ~10 per other turn (an edit); exports
 * cost no credits. An estimate only: the backend's own accounting is authoritative.
 */
export const CREDIT_ESTIMATE = { generation: 100, turn: 10 } as const;

/** One period of a place's use (or of every place's: then `top` names places, not members). */
export interface PlaceUsage extends UsageCounts {
  credits: number;
  /** Most active members (by turns), most first; across places, the most active places. */
  top: { userId: string; turns: number; generations: number; exports: number }[];
}

/**
 * The field each record writes (`<name>|<member or place>`): a turn that generated is one field, counted
 * as a turn and as a generation.
 */
const WRITTEN: Record<UsageKind, string> = { turns: "turn", generations: "generation", exports: "exports" };
/** What each field counts, by its name; earlier versions wrote "turns" for every turn, "generations" beside. */
const COUNTED: Record<string, readonly UsageKind[]> = {
  turn: ["turns"],
  generation: ["turns", "generations"],
  exports: ["exports"],
  turns: ["turns"],
  generations: ["generations"],
};
const FIELD_NAMES = Object.keys(COUNTED);

/** The scope that sums every place (its per-entry fields name places). */
const ALL_PLACES = "w:*";

const HOUR_MS = 3_600_000;
const TOP_USERS = 5;

/**
 * Use per place (guild/workspace, a DM being its member's own place), one Redis hash per place and hour
 * (`usage:w:<platform>:<place>:<hour>`, living 8 days) with a per-member field per kind, and one across
 * places (`usage:w:*:<hour>`, a field per place and kind, for operators), so `/usage` reports the last
 * 24 hours and 7 days without keeping anything longer. Totals are the sums of the fields.
 *
 * Counting one thing is two HINCRBY in one round trip; a turn that generated is counted once, as a
 * generation (which is a turn too). The place's field in the cross-place hash says
 * when the place is counted for the first time in the hour (HINCRBY answered 1): only then is either
 * hash new, and both get their EXPIRE in a second round trip. A process dying between the two leaves
 * that hour's hashes without a TTL (a few small hashes, only at that moment).
 *
 * Earlier versions also wrote a per-member hash (`usage:u:<platform>:<user>:<hour>`), and a total field
 * per kind in the place's hash; nothing reads them any more (the hash expires within its 8 days).
 */
export class Usage {
  /** Prometheus: what was counted, by platform and kind (no user or place ids as labels). */
  readonly recordedTotal = storeCounter(
    "nemo_usage_total",
    "Turns sent, generations started and exports started, by platform and kind",
    ["platform", "kind"] as const,
  );

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one `kind` for the member in the place of `ref`: "turns" a turn that generated nothing,
   * "generations" a turn that generated (counted in both), "exports" an export.
   */
  async record(ref: ConversationRef, userId: string, kind: UsageKind): Promise<void> {
    const hour = Math.floor(this.now() / HOUR_MS);
    const place = this.keys.usage(placeScope(ref), hour);
    const all = this.keys.usage(ALL_PLACES, hour);
    const counted = await this.redis
      .pipeline()
      .hincrby(place, memberField(kind, userId), 1)
      .hincrby(all, memberField(kind, `${ref.platform}:${placeOf(ref)}`), 1)
      .exec();
    for (const countedKind of COUNTED[WRITTEN[kind]] ?? [])
      this.recordedTotal.inc({ platform: ref.platform, kind: countedKind });
    const failed = counted?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    if (Number(counted?.[1]?.[1]) === 1)
      await this.redis
        .pipeline()
        .expire(place, KEY_TTL_SECONDS.usage)
        .expire(all, KEY_TTL_SECONDS.usage)
        .exec();
  }

  /**
   * The member's own counts in the place of `ref` over each of the last `spans` hours (one answer per
   * span, in order): the longest span's hours are read once, shorter spans are its newest hours.
   */
  async ofUser(ref: ConversationRef, userId: string, spans: readonly number[]): Promise<UsageCounts[]> {
    const fields = FIELD_NAMES.map((name) => `${name}|${userId}`);
    const hours = await this.hours(Math.max(...spans), (read, key) =>
      read.hmget(key(placeScope(ref)), ...fields),
    );
    return spans.map((span) => {
      const totals = emptyCounts();
      for (const values of hours.slice(-span)) {
        FIELD_NAMES.forEach((name, index) => {
          count(totals, name, (values as (string | null)[] | undefined)?.[index]);
        });
      }
      return totals;
    });
  }

  /** The place's counts over each of the last `spans` hours, with its most active members and estimated credits. */
  ofPlace(ref: ConversationRef, spans: readonly number[]): Promise<PlaceUsage[]> {
    return this.summaries(placeScope(ref), spans);
  }

  /** Every place's counts over each of the last `spans` hours, with the most active places (`platform:place`). */
  ofAll(spans: readonly number[]): Promise<PlaceUsage[]> {
    return this.summaries(ALL_PLACES, spans);
  }

  private async summaries(scope: string, spans: readonly number[]): Promise<PlaceUsage[]> {
    const hours = await this.hours(Math.max(...spans), (read, key) => read.hgetall(key(scope)));
    return spans.map((span) => summary(hours.slice(-span) as Record<string, string>[]));
  }

  /** One read per hour of the last `count` (oldest first), in one round trip. */
  private async hours(
    count: number,
    readHour: (read: ReturnType<RedisClient["pipeline"]>, key: (scope: string) => string) => void,
  ): Promise<unknown[]> {
    const current = Math.floor(this.now() / HOUR_MS);
    const read = this.redis.pipeline();
    for (let hour = current - count + 1; hour <= current; hour++)
      readHour(read, (scope) => this.keys.usage(scope, hour));
    return ((await read.exec()) ?? []).map(([, value]) => value ?? {});
  }
}

/** Totals are the entries' sums (a total field of earlier versions is skipped). */
function summary(buckets: Record<string, string>[]): PlaceUsage {
  const totals = emptyCounts();
  const perUser = new Map<string, UsageCounts>();
  for (const bucket of buckets) {
    for (const [field, raw] of Object.entries(bucket)) {
      const [name, userId] = field.split("|") as [string, string | undefined];
      if (userId === undefined || !COUNTED[name]) continue;
      const counts = perUser.get(userId) ?? emptyCounts();
      count(counts, name, raw);
      perUser.set(userId, counts);
    }
  }
  for (const counts of perUser.values()) for (const kind of USAGE_KINDS) totals[kind] += counts[kind];
  const top = [...perUser.entries()]
    .map(([userId, counts]) => ({ userId, ...counts }))
    .sort((a, b) => b.turns - a.turns || b.generations - a.generations || b.exports - a.exports)
    .slice(0, TOP_USERS);
  return { ...totals, credits: estimateCredits(totals), top };
}

/** Credits spent, by the rough estimate. */
export function estimateCredits(counts: UsageCounts): number {
  return (
    counts.generations * CREDIT_ESTIMATE.generation +
    Math.max(0, counts.turns - counts.generations) * CREDIT_ESTIMATE.turn
  );
}

function emptyCounts(): UsageCounts {
  return { turns: 0, generations: 0, exports: 0 };
}

/** Adds a field's value to what its name counts. */
function count(counts: UsageCounts, name: string, raw: string | null | undefined): void {
  for (const kind of COUNTED[name] ?? []) counts[kind] += Number(raw ?? 0);
}

/** A member's (or, across places, a place's) field of a hash. */
function memberField(kind: UsageKind, userId: string): string {
  return `${WRITTEN[kind]}|${userId}`;
}

function placeScope(ref: ConversationRef): string {
  return `w:${ref.platform}:${placeOf(ref)}`;
}
