import type { RedisClient } from "../../redis/connect.js";
import type { Keys } from "../../store/keys.js";
import type { threadCalls } from "../thread-account.js";

/** What finding a thread's account takes (its session, the linked accounts). */
export type ThreadCallParts = Parameters<typeof threadCalls>[0];

/** The commands' own Redis records (kept prompts, once-only marks, export locks, opened threads). */
export interface RecordParts {
  redis: RedisClient;
  keys: Keys;
}
