import type { Platform } from "../nemo/types.js";

/**
 * Where a conversation lives: platform + workspace (guild / team) + channel + thread.
 * Its key is the Redis key of the thread's backend session; only the adapter interprets the parts.
 */
export interface ConversationRef {
  platform: Platform;
  /** Guild (Discord), team (Slack), or "local" (console); "dm" for direct messages. */
  workspace: string;
  channel: string;
  /** Thread id (Discord thread channel, Slack thread_ts, console thread name). */
  thread: string;
}

const PLATFORMS: readonly Platform[] = ["discord", "slack", "console"];

/** `platform:workspace:channel:thread`, each part URI-encoded so ':' inside a part is safe. */
export function refKey(ref: ConversationRef): string {
  return [ref.platform, ref.workspace, ref.channel, ref.thread].map(encodeURIComponent).join(":");
}

export function parseRefKey(key: string): ConversationRef {
  const parts = key.split(":").map(decodeURIComponent);
  const [platform, workspace, channel, thread] = parts;
  if (parts.length !== 4 || !PLATFORMS.includes(platform as Platform)) {
    throw new TypeError(`not a conversation key: ${key}`);
  }
  return { platform: platform as Platform, workspace: workspace!, channel: channel!, thread: thread! };
}
