import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "../store/keys.js";

/** What Retry needs of a message: its text, and the thread it belongs to (kept by the intake). */
export interface PromptRecord {
  text: string;
  refKey: string;
  /** Who sent it (they, the thread's owner and admins may Retry it). */
  userId?: string | undefined;
}

/** The kept prompt of a message, while a Retry may be offered (deleted once it is answered without one). */
export async function readPrompt(
  parts: { redis: RedisClient; keys: Keys },
  inboundId: string,
): Promise<PromptRecord | undefined> {
  const raw = await parts.redis.get(parts.keys.inbound(inboundId));
  return raw ? (JSON.parse(raw) as PromptRecord) : undefined;
}

const WEEK_SECONDS = 7 * 24 * 3600;

/**
 * Claims a kept message's one Retry (or Continue / Cancel of a held message) for `by`: each button
 * sends or drops its message once, however often (or by how many people) it is clicked.
 */
export async function claimPrompt(
  parts: { redis: RedisClient; keys: Keys },
  inboundId: string,
  by: string,
): Promise<boolean> {
  return (await parts.redis.set(parts.keys.retried(inboundId), by, "EX", WEEK_SECONDS, "NX")) === "OK";
}
