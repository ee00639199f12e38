import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/**
 * Who started each thread (its owner). The first sender wins; each of the owner's own messages, commands
 * and clicks renews their ownership for `KEY_TTL_SECONDS.owner` (30 days), so it passes to the next
 * sender only after the owner stayed quiet in the thread that long.
 */
export class ThreadOwners extends RedisStore {
  /** The thread's owner, once someone started it. */
  async owner(ref: ConversationRef): Promise<string | undefined> {
    return this.text(this.keys.owner(refKey(ref)));
  }

  /**
   * Remembers the sender as the thread's owner unless it has another one; the owner's activity renews it.
   * Two commands, no script (a script's GET and SET would count as three): a thread without an owner
   * gets the sender only if nobody claimed it meanwhile (NX); renewing an ownership that just expired
   * renews at worst its new owner's, just claimed.
   */
  async claim(ref: ConversationRef, userId: string): Promise<void> {
    const key = this.keys.owner(refKey(ref));
    const owner = await this.redis.get(key);
    if (owner === null) await this.redis.set(key, userId, "EX", KEY_TTL_SECONDS.owner, "NX");
    else if (owner === userId) await this.redis.expire(key, KEY_TTL_SECONDS.owner);
  }
}
