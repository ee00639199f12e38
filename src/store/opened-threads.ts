import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

const DAY_SECONDS = 24 * 3600;

/** The thread a command in a channel opened, under its event id, so a retried job continues there. */
export class OpenedThreads {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async find(inboundId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.openedThread(inboundId))) ?? undefined;
  }

  async remember(inboundId: string, thread: string): Promise<void> {
    await this.redis.set(this.keys.openedThread(inboundId), thread, "EX", DAY_SECONDS);
  }
}
