import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** The thread a command in a channel opened, under its event id, so a retried job continues there. */
export class OpenedThreads extends RedisStore {
  async find(inboundId: string): Promise<string | undefined> {
    return this.text(this.keys.openedThread(inboundId));
  }

  async remember(inboundId: string, thread: string): Promise<void> {
    await this.redis.set(this.keys.openedThread(inboundId), thread, "EX", KEY_TTL_SECONDS.openedThread);
  }
}
