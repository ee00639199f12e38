import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";
import { COMPARE_AND_DELETE, LuaScript } from "./lua-script.js";

/**
 * Counts one more failed refresh and sets when the next may run: `base × 2^(failures − 1)`, at most
 * `max`, from `now`. ARGV: now (ms), base (ms), max (ms), TTL (ms). Returns the next time (epoch ms).
 */
const RECORD_FAILURE = new LuaScript(`
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local wait = math.min(tonumber(ARGV[2]) * 2 ^ (n - 1), tonumber(ARGV[3]))
local at = string.format('%.0f', tonumber(ARGV[1]) + wait)
redis.call('HSET', KEYS[1], 'retryAt', at)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return at
`);

/** Back-off of failed refreshes. */
export interface RefreshBackoff {
  /** The wait after the first failure (ms); it doubles with each further one. */
  baseMs: number;
  /** The longest wait (ms). */
  maxMs: number;
}

/** 15 s, 30 s, 1 min, … up to 15 min between tries of a refresh that keeps failing. */
const DEFAULT_BACKOFF: RefreshBackoff = { baseMs: 15_000, maxMs: 15 * 60_000 };

/**
 * How the processes of a deployment agree on Slack token refreshes (token rotation of a distributed
 * app): one lock per workspace whose value names its holder, so only the holder deletes it (a lock that
 * expired and was taken by another process stays theirs), and a per-workspace back-off for refreshes
 * that keep failing, shared by every process, so no lookup retries one before its time.
 */
export class SlackTokenRefresh {
  private readonly backoff: RefreshBackoff;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    backoff: Partial<RefreshBackoff> = {},
  ) {
    this.backoff = { ...DEFAULT_BACKOFF, ...backoff };
  }

  /** Takes the workspace's refresh lock for `ttlMs` as `owner`; false when another holds it. */
  async lock(workspace: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.slackRefreshLock(workspace), owner, "PX", ttlMs, "NX")) === "OK";
  }

  /** Releases the lock if `owner` still holds it. */
  async unlock(workspace: string, owner: string): Promise<void> {
    await COMPARE_AND_DELETE.run(this.redis, 1, this.keys.slackRefreshLock(workspace), owner);
  }

  /** When the workspace's next refresh may run after failures (epoch ms); undefined when none failed lately. */
  async retryAt(workspace: string): Promise<number | undefined> {
    const at = await this.redis.hget(this.keys.slackRefreshBackoff(workspace), "retryAt");
    return at === null ? undefined : Number(at);
  }

  /** Records a failed refresh at `now` (epoch ms); resolves when the next may run. */
  async failed(workspace: string, now: number): Promise<number> {
    const at = await RECORD_FAILURE.run(
      this.redis,
      1,
      this.keys.slackRefreshBackoff(workspace),
      now,
      this.backoff.baseMs,
      this.backoff.maxMs,
      Math.max(KEY_TTL_SECONDS.slackRefreshBackoff * 1000, this.backoff.maxMs * 2),
    );
    return Number(at);
  }

  /** Forgets the workspace's failures (a refresh succeeded). */
  async succeeded(workspace: string): Promise<void> {
    await this.redis.del(this.keys.slackRefreshBackoff(workspace));
  }
}
