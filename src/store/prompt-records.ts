import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

const WEEK_SECONDS = 7 * 24 * 3600;

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
export class PromptRecords {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async read(inboundId: string): Promise<PromptRecord | undefined> {
    const raw = await this.redis.get(this.keys.inbound(inboundId));
    return raw ? (JSON.parse(raw) as PromptRecord) : undefined;
  }

  /**
   * Claims a kept message's one Retry (or Continue / Cancel of a held message) for `by`: each button
   * sends or drops its message once, however often (or by how many people) it is clicked.
   */
  async claim(inboundId: string, by: string): Promise<boolean> {
    return (await this.redis.set(this.keys.retried(inboundId), by, "EX", WEEK_SECONDS, "NX")) === "OK";
  }

  async drop(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.inbound(inboundId));
  }
}
