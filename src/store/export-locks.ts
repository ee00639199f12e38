import { KEY_TTL_SECONDS } from "./keys.js";
import { COMPARE_AND_DELETE } from "./lua-script.js";
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

  /** Releases the lock only while `jobId` holds it (compare-and-delete); true when it did. */
  async releaseIfHeld(refKey: string, jobId: string): Promise<boolean> {
    return (await COMPARE_AND_DELETE.run(this.redis, 1, this.keys.exportLock(refKey), jobId)) === 1;
  }

  /** The job id of the thread's running export, if one runs. */
  async holder(refKey: string): Promise<string | undefined> {
    return this.text(this.keys.exportLock(refKey));
  }

  /** How long ago (ms) the thread's lock was taken, read from its remaining lifetime; undefined when free. */
  async age(refKey: string): Promise<number | undefined> {
    const left = await this.redis.pttl(this.keys.exportLock(refKey));
    return left < 0 ? undefined : KEY_TTL_SECONDS.exportLock * 1000 - left;
  }
}
