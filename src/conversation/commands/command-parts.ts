import type { threadCalls } from "../thread-account.js";

/** What finding a thread's account takes (its session, the linked accounts). */
export type ThreadCallParts = Parameters<typeof threadCalls>[0];
