import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

const DAY_SECONDS = 24 * 3600;

/** One export per thread at a time: the lock holds the running export's job id. */
export class ExportLocks {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Takes the thread's lock for this export; false when another export holds it. */
  async take(refKey: string, jobId: string): Promise<boolean> {
    return (await this.redis.set(this.keys.exportLock(refKey), jobId, "EX", DAY_SECONDS, "NX")) === "OK";
  }

  async release(refKey: string): Promise<void> {
    await this.redis.del(this.keys.exportLock(refKey));
  }

  /** The job id of the thread's running export, if one runs. */
  async holder(refKey: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.exportLock(refKey))) ?? undefined;
  }
}
