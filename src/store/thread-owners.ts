import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** Who started each thread (its owner): the first sender wins, later senders change nothing. */
export class ThreadOwners extends RedisStore {
  /** The thread's owner, once someone started it. */
  async owner(ref: ConversationRef): Promise<string | undefined> {
    return this.text(this.keys.owner(refKey(ref)));
  }

  /** Remembers the sender as the thread's owner, unless it already has one. */
  async claim(ref: ConversationRef, userId: string): Promise<void> {
    await this.setFirst(this.keys.owner(refKey(ref)), userId, KEY_TTL_SECONDS.owner);
  }
}
