import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { RedisStore } from "./redis-store.js";

/** How long a message's record is kept after its last write (later edits of older messages are rare). */
const RECORD_TTL_S = 24 * 3600;

export interface MessageRecord {
  /** Ids of the message's parts after the first, in order (empty for a one-part message). */
  tail: string[];
  /** Raised by every edit queued in the outbox and every edit written after one; else undefined. */
  revision: number | undefined;
}

/**
 * What the outbox remembers of a posted message, shared by every process: the ids of its later parts
 * (a reply longer than one platform message), so an edit replaces them in place instead of posting
 * them again; and, once an edit of it waits in the outbox, a revision raised by every later edit, so
 * the queued edit never overwrites newer content. Messages with neither have no record. A post the
 * outbox delivers has a record of its own while under way: the parts posted so far.
 */
export class MessageRecords extends RedisStore {
  /** The message's later parts and, once an edit of it was queued, its revision. */
  async read(ref: ConversationRef, messageId: string): Promise<MessageRecord> {
    const { tail, rev } = await this.redis.hgetall(this.key(ref, messageId));
    return {
      tail: tail ? (JSON.parse(tail) as string[]) : [],
      revision: rev === undefined ? undefined : Number(rev),
    };
  }

  /** Remembers the ids of the message's parts after the first. */
  async saveTail(ref: ConversationRef, messageId: string, tail: string[]): Promise<void> {
    await this.saveIds(this.key(ref, messageId), "tail", tail);
  }

  /** Raises the revision (an edit is queued, or a newer version was written); resolves to the new one. */
  async bump(ref: ConversationRef, messageId: string): Promise<number> {
    const key = this.key(ref, messageId);
    const result = await this.redis.multi().hincrby(key, "rev", 1).expire(key, RECORD_TTL_S).exec();
    return Number(result?.[0]?.[1] ?? 0);
  }

  /**
   * The parts an outbox delivery has posted so far (by the delivery's id, stable across its retries),
   * so a retry resumes after them; undefined while it has not begun posting.
   */
  async readPosted(ref: ConversationRef, deliveryId: string): Promise<string[] | undefined> {
    const posted = await this.redis.hget(this.key(ref, pendingPostId(deliveryId)), "posted");
    return posted === null ? undefined : (JSON.parse(posted) as string[]);
  }

  /** Remembers the parts an outbox delivery has posted so far (none yet: it is about to post). */
  async savePosted(ref: ConversationRef, deliveryId: string, posted: string[]): Promise<void> {
    await this.saveIds(this.key(ref, pendingPostId(deliveryId)), "posted", posted);
  }

  private async saveIds(key: string, field: string, ids: string[]): Promise<void> {
    await this.redis.multi().hset(key, field, JSON.stringify(ids)).expire(key, RECORD_TTL_S).exec();
  }

  private key(ref: ConversationRef, messageId: string): string {
    return this.keys.message(refKey(ref), messageId);
  }
}

/** A delivery's record sits beside the messages' records; platform message ids never start with this. */
function pendingPostId(deliveryId: string): string {
  return `outbox-${deliveryId}`;
}
