import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

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
 * the queued edit never overwrites newer content. Messages with neither have no record.
 */
export class MessageRecords {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

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
    const key = this.key(ref, messageId);
    await this.redis.multi().hset(key, "tail", JSON.stringify(tail)).expire(key, RECORD_TTL_S).exec();
  }

  /** Raises the revision (an edit is queued, or a newer version was written); resolves to the new one. */
  async bump(ref: ConversationRef, messageId: string): Promise<number> {
    const key = this.key(ref, messageId);
    const result = await this.redis.multi().hincrby(key, "rev", 1).expire(key, RECORD_TTL_S).exec();
    return Number(result?.[0]?.[1] ?? 0);
  }

  private key(ref: ConversationRef, messageId: string): string {
    return this.keys.message(refKey(ref), messageId);
  }
}
