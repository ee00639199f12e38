import { SEALED_KINDS, type SealedKind } from "../core/sealed-kinds.js";
import { SecretBox } from "../core/secret-box.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";
import { LuaScript } from "./lua-script.js";
import { scanKeys } from "./redis-store.js";
import { sealedRecordKinds } from "./sealed-record-kinds.js";

/** How the sealed records of one kind stand. */
export interface SealedCounts {
  /** Opened, and sealed under the current key already. */
  current: number;
  /** Opened, but sealed under a previous key, in the first format, or left in the clear by an older version. */
  old: number;
  /** No configured key opens them. */
  unreadable: number;
}

export type SealedReport = Record<SealedKind, SealedCounts>;

/** Replaces a string's value only when it still is `ARGV[1]` (the bot may have rewritten it meanwhile). */
const SWAP_STRING = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
return false`);

/** Replaces a hash field only when it still is `ARGV[1]`. */
const SWAP_FIELD = new LuaScript(`if redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[1] then
  return redis.call('HSET', KEYS[1], ARGV[3], ARGV[2]) end
return false`);

/**
 * Every sealed record of the deployment (Slack installations, linked accounts, the anonymous token, reply
 * addresses), found by scanning their keys: counted by how they stand ({@link survey}, for `doctor`), or
 * re-sealed under the current key ({@link reseal}, for `secrets reseal` after a key rotation). Re-sealing
 * swaps a value only if it is unchanged since it was read, and keeps its TTL.
 */
export class SealedRecords {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly box: SecretBox,
  ) {}

  survey(): Promise<SealedReport> {
    return this.visit(false);
  }

  /** Re-seals every record opened with a previous key (or of an older format); `old` counts them. */
  reseal(): Promise<SealedReport> {
    return this.visit(true);
  }

  private async visit(write: boolean): Promise<SealedReport> {
    const report = Object.fromEntries(
      SEALED_KINDS.map((kind) => [kind, { current: 0, old: 0, unreadable: 0 }]),
    ) as SealedReport;
    for (const kind of sealedRecordKinds(this.keys)) {
      const counts = report[kind.kind];
      for (const key of await scanKeys(this.redis, kind.match)) {
        const id = key.slice(kind.match.length - 1);
        if (kind.skip?.(id)) continue;
        const value = kind.field
          ? await this.redis.hget(key, kind.field)
          : await this.redis.get(key).catch(() => null);
        if (!value || (!kind.clearAllowed && !SecretBox.isSealed(value))) continue;
        if (this.box.isCurrent(value) && this.box.open(value, kind.owner(id), kind.kind) !== undefined) {
          counts.current++;
          continue;
        }
        const plain = SecretBox.isSealed(value) ? kind.open(this.box, id, value) : value;
        if (plain === undefined) {
          counts.unreadable++;
          continue;
        }
        counts.old++;
        if (write) await this.swap(key, kind.field, value, this.box.seal(plain, kind.owner(id)));
      }
    }
    return report;
  }

  private async swap(key: string, field: string | undefined, from: string, to: string): Promise<void> {
    if (field) await SWAP_FIELD.run(this.redis, 1, key, from, to, field);
    else await SWAP_STRING.run(this.redis, 1, key, from, to);
  }
}
