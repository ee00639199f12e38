import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** One export per thread at a time: the lock holds the running export's job id. */
export class ExportLocks extends RedisStore {
  /** Takes the thread's lock for this export; false when another export holds it. */
  async take(refKey: string, jobId: string): Promise<boolean> {
    return this.setFirst(this.keys.exportLock(refKey), jobId, KEY_TTL_SECONDS.exportLock);
  }

  async release(refKey: string): Promise<void> {
    await this.redis.del(this.keys.exportLock(refKey));
  }

  /** The job id of the thread's running export, if one runs. */
  async holder(refKey: string): Promise<string | undefined> {
    return this.text(this.keys.exportLock(refKey));
  }
}
