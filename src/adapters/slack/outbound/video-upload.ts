import type { Readable } from "node:stream";
import type { WebClient } from "@slack/web-api";
import { request } from "undici";
import type { Logger } from "../../../core/logger.js";
import { type MediaUrlPolicy, MediaUrlRefusedError, openMediaUrl } from "../../../core/media-url.js";
import type { SlackTarget } from "../common/slack-ref.js";
import type { SlackVideo } from "../render/render-blocks.js";

/** An opened video download: its length and its body, not yet read. */
export interface VideoSource {
  size: number | undefined;
  body: Readable;
  /** Releases the download without reading it. */
  discard(): void;
}

/** Connecting and the response headers, and the longest pause between two pieces of the body (ms). */
const TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 60_000 };
/** Redirects followed from the output URL (a CDN may answer with one; nothing secret is sent), each within the allowed hosts. */
const MAX_REDIRECTS = 3;

/**
 * Opens the video for streaming: the output URL, or the fallback download URL when that is refused or
 * fails. Only URLs (and redirects) the media policy allows are fetched. Resolves undefined when neither
 * answers with the bytes (the link stays the way to watch it). undici's `request` gives a Node stream
 * that reads only as fast as the upload consumes it.
 */
export async function openVideo(
  video: SlackVideo,
  logger: Logger,
  media: MediaUrlPolicy,
): Promise<VideoSource | undefined> {
  for (const first of [video.url, video.fallbackUrl]) {
    if (!first) continue;
    const fallback = first !== video.url;
    try {
      const response = await openMediaUrl(first, media, { ...TIMEOUTS, maxRedirects: MAX_REDIRECTS });
      if (response.statusCode !== 200) {
        release(response.body);
        logger.warn({ status: response.statusCode, fallback }, "slack-video-source-failed");
        continue;
      }
      const length = Number.parseInt(String(response.headers["content-length"] ?? ""), 10);
      const body = response.body;
      return {
        size: Number.isFinite(length) && length >= 0 ? length : undefined,
        body,
        discard: () => release(body),
      };
    } catch (error) {
      if (error instanceof MediaUrlRefusedError)
        logger.warn({ reason: error.reason, host: error.host, fallback }, "video-url-refused");
      else logger.warn({ err: String(error), fallback }, "slack-video-source-failed");
    }
  }
  return undefined;
}

/**
 * Slack's external upload, streamed: `files.getUploadURLExternal` (name, length) → the bytes POSTed to
 * the URL it gave, straight from the download (never whole in memory) → `files.completeUploadExternal`
 * into the thread, without a comment (the message above it carries the text and links). Resolves the file id.
 */
export async function uploadVideo(
  client: WebClient,
  target: SlackTarget,
  video: SlackVideo,
  source: VideoSource & { size: number },
): Promise<string> {
  const slot = await client.files.getUploadURLExternal({ filename: video.fileName, length: source.size });
  if (!slot.upload_url || !slot.file_id) {
    source.discard();
    throw new Error("files.getUploadURLExternal returned no upload_url");
  }
  const uploaded = await request(slot.upload_url, {
    method: "POST",
    headers: { "content-type": "video/mp4", "content-length": String(source.size) },
    body: source.body,
    ...TIMEOUTS,
  });
  await uploaded.body.dump();
  if (uploaded.statusCode !== 200) throw new Error(`the upload URL answered HTTP ${uploaded.statusCode}`);
  await client.files.completeUploadExternal({
    files: [{ id: slot.file_id, title: video.title ?? video.fileName }],
    channel_id: target.channel,
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
  } as Parameters<WebClient["files"]["completeUploadExternal"]>[0]);
  return slot.file_id;
}

/** Drops a response body unread (its abort error has nobody to tell). */
function release(body: Readable): void {
  body.on("error", () => undefined);
  body.destroy();
}

/** "52.4 MB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${bytes} B`;
}
