import { RedisStore } from "./redis-store.js";

/** Whether a thread was told that the backend is unreachable and its message waits (once per outage). */
export class BackendWaitNotice extends RedisStore {
  /** True the first time for this thread within `forMs` (the caller tells the thread then). */
  async firstTime(refKey: string, forMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.backendWaitTold(refKey), "1", "PX", forMs, "NX")) === "OK";
  }

  /** The thread's message went through: a later outage tells it again. */
  async reset(refKey: string): Promise<void> {
    await this.redis.del(this.keys.backendWaitTold(refKey));
  }
}
