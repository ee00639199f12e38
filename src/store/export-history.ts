import type { Lang } from "../core/conversation/language.js";
import { elapsedText } from "../core/conversation/progress-bar.js";
import type { Reply } from "../core/conversation/reply.js";
import { text } from "../core/conversation/texts.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** One finished export in a user's history. */
export interface ExportRecord {
  /** The thread's ref key (where the video was made). */
  refKey: string;
  /** Epoch ms. */
  at: number;
  title: string;
  durationMs?: number | undefined;
  url: string;
  fileName: string;
  /**
   * The export's job id: its reference (`ExportReferences`) issues a fresh "Open in NemoVideo" link on
   * demand. The history never holds a link (older versions kept one as `projectUrl`: not read).
   */
  exportId?: string | undefined;
}

/** Exports kept per user (newest first). */
export const HISTORY_LENGTH = 20;

/** Adds an export to the front of the user's list, keeps the last {@link HISTORY_LENGTH}, renews the TTL. */
export async function recordExport(
  redis: RedisClient,
  keys: Keys,
  platform: string,
  userId: string,
  record: ExportRecord,
): Promise<void> {
  const key = keys.history(platform, userId);
  await redis
    .multi()
    .lpush(key, JSON.stringify(record))
    .ltrim(key, 0, HISTORY_LENGTH - 1)
    .expire(key, KEY_TTL_SECONDS.history)
    .exec();
}

/** The user's last exports, newest first (unreadable entries skipped). */
export async function listExports(
  redis: RedisClient,
  keys: Keys,
  platform: string,
  userId: string,
  limit = 10,
): Promise<ExportRecord[]> {
  const raw = await redis.lrange(keys.history(platform, userId), 0, limit - 1);
  return raw.flatMap((entry) => {
    try {
      const { projectUrl: _old, ...record } = JSON.parse(entry) as ExportRecord & { projectUrl?: unknown };
      return [record];
    } catch {
      return [];
    }
  });
}

/**
 * The history as a reply: one line per export (date, title, duration, video link), and the links
 * reopening projects (`reopen`, by export id: fresh claim links, for the member's eyes only).
 */
export function historyReply(
  lang: Lang,
  records: readonly ExportRecord[],
  reopen: ReadonlyMap<string, string> = new Map(),
): Reply {
  if (records.length === 0) return { text: text(lang, "history_empty") };
  const lines = records.map((record) =>
    text(lang, "history_entry", {
      date: new Date(record.at).toISOString().slice(0, 16).replace("T", " "),
      title: record.title,
      duration: record.durationMs === undefined ? "–" : elapsedText(lang, record.durationMs),
      url: record.url,
    }),
  );
  return {
    text: `${text(lang, "history_header")}\n${lines.join("\n")}`,
    links: records.flatMap((record) => {
      const url = record.exportId ? reopen.get(record.exportId) : undefined;
      return url ? [{ label: text(lang, "history_reopen", { title: record.title }), url }] : [];
    }),
  };
}
