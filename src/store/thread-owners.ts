import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** Who started each thread (its owner): the first sender wins, later senders change nothing. */
export class ThreadOwners {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The thread's owner, once someone started it. */
  async owner(ref: ConversationRef): Promise<string | undefined> {
    return (await this.redis.get(this.keys.owner(refKey(ref)))) ?? undefined;
  }

  /** Remembers the sender as the thread's owner, unless it already has one. */
  async claim(ref: ConversationRef, userId: string): Promise<void> {
    await this.redis.set(this.keys.owner(refKey(ref)), userId, "EX", KEY_TTL_SECONDS.owner, "NX");
  }
}
