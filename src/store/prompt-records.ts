import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** What Retry needs of a message: its text, and the thread it belongs to (kept by the intake). */
export interface PromptRecord {
  text: string;
  refKey: string;
  /** Who sent it (they, the thread's owner and admins may Retry it). */
  userId?: string | undefined;
}

/**
 * The prompts kept for Retry (and for the credits guard's Continue / Cancel), written by the intake's
 * seen step (seen-work.ts) and deleted once the message is answered without a Retry (sent-marker.ts).
 */
export class PromptRecords extends RedisStore {
  async read(inboundId: string): Promise<PromptRecord | undefined> {
    const raw = await this.text(this.keys.inbound(inboundId));
    return raw ? (JSON.parse(raw) as PromptRecord) : undefined;
  }

  /**
   * Claims a kept message's one Retry (or Continue / Cancel of a held message) for `by`: each button
   * sends or drops its message once, however often (or by how many people) it is clicked.
   */
  async claim(inboundId: string, by: string): Promise<boolean> {
    return this.setFirst(this.keys.retried(inboundId), by, KEY_TTL_SECONDS.retried);
  }

  async drop(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.inbound(inboundId));
  }
}
