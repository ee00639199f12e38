import { LuaScript } from "./lua-script.js";
import { RedisStore } from "./redis-store.js";

/** One piece of work waiting in a thread's line: which queue holds it, and its job id. */
export interface LineEntry {
  queue: string;
  jobId: string;
}

const encode = (entry: LineEntry): string => `${entry.queue}|${entry.jobId}`;
const decode = (raw: string): LineEntry => {
  const bar = raw.indexOf("|");
  return { queue: raw.slice(0, bar), jobId: raw.slice(bar + 1) };
};

// Atomically: the caller is the head → "head"; still in line → remember it parked → "parked"; else "gone".
const PARK = new LuaScript(`
local head = redis.call('LINDEX', KEYS[1], 0)
if head == ARGV[1] then return 'head' end
if redis.call('LPOS', KEYS[1], ARGV[1]) then
  redis.call('SADD', KEYS[2], ARGV[1])
  return 'parked'
end
return 'gone'`);

// Atomically: leave the line; return the new head when it is parked (the leaver wakes it).
const LEAVE = new LuaScript(`
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
local nextEntry = redis.call('LINDEX', KEYS[1], 0)
if nextEntry and redis.call('SREM', KEYS[2], nextEntry) == 1 then return nextEntry end
return false`);

// Atomically: remove a waiting entry, but never the head (it is running).
const WITHDRAW = new LuaScript(`
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('LREM', KEYS[1], 1, ARGV[1])`);

/**
 * Per-thread ordering on top of BullMQ (whose open-source edition has no job groups): work of one
 * thread runs one at a time, in arrival order; threads run in parallel. The line lives in Redis,
 * so it survives restarts and is shared by every worker.
 */
export class ThreadLine extends RedisStore {
  /** Joins the end of the line; resolves to how many entries are ahead. */
  async join(refKey: string, entry: LineEntry): Promise<number> {
    const length = await this.redis.rpush(this.keys.line(refKey), encode(entry));
    return length - 1;
  }

  async head(refKey: string): Promise<LineEntry | undefined> {
    const raw = await this.redis.lindex(this.keys.line(refKey), 0);
    return raw ? decode(raw) : undefined;
  }

  /** Index in the line (0 = running), or -1 when not in it. */
  async position(refKey: string, entry: LineEntry): Promise<number> {
    const index = await this.redis.lpos(this.keys.line(refKey), encode(entry));
    return index ?? -1;
  }

  async park(refKey: string, entry: LineEntry): Promise<"head" | "parked" | "gone"> {
    return (await PARK.run(this.redis, 2, this.keys.line(refKey), this.keys.parked(refKey), encode(entry))) as
      | "head"
      | "parked"
      | "gone";
  }

  /**
   * Leaves the line; resolves to the next entry when it is parked and must be woken. `fromHead`: the
   * entry ran at the head of the line, so it is not parked (an entry that becomes the head leaves the
   * parked set in the same step, and a head never parks): two commands in one round trip instead of a
   * script, and a third (SREM) only when an entry is next. An entry joining or parking meanwhile finds
   * itself at the head on its own.
   */
  async leave(refKey: string, entry: LineEntry, fromHead = false): Promise<LineEntry | undefined> {
    const line = this.keys.line(refKey);
    if (!fromHead) {
      const next = (await LEAVE.run(this.redis, 2, line, this.keys.parked(refKey), encode(entry))) as
        | string
        | null;
      return next ? decode(next) : undefined;
    }
    const steps = await this.redis.pipeline().lrem(line, 1, encode(entry)).lindex(line, 0).exec();
    const failed = steps?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    const next = steps?.[1]?.[1] as string | null | undefined;
    if (!next || (await this.redis.srem(this.keys.parked(refKey), next)) === 0) return undefined;
    return decode(next);
  }

  /** Removes a waiting (not running) entry; false when it is running or not in line. */
  async withdraw(refKey: string, entry: LineEntry): Promise<boolean> {
    const removed = (await WITHDRAW.run(
      this.redis,
      2,
      this.keys.line(refKey),
      this.keys.parked(refKey),
      encode(entry),
    )) as number;
    return removed > 0;
  }

  /** When `entry` was first seen without its job (epoch ms), remembered for `ttlMs`. */
  async noteMissing(entry: LineEntry, ttlMs: number): Promise<number> {
    const key = this.keys.missingHead(entry.jobId);
    await this.redis.set(key, String(Date.now()), "PX", ttlMs, "NX");
    return Number((await this.redis.get(key)) ?? Date.now());
  }

  async entries(refKey: string): Promise<LineEntry[]> {
    return (await this.redis.lrange(this.keys.line(refKey), 0, -1)).map(decode);
  }
}
