import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../core/logger.js";
import type { SlackTarget } from "./slack-ref.js";

/** A finished video as a Slack message carries it (JSON: it passes through the outbox). */
export interface SlackVideo {
  url: string;
  fallbackUrl?: string | undefined;
  sizeBytes?: number | undefined;
  fileName: string;
  title?: string | undefined;
  /** mrkdwn posted with the file (the task link). */
  comment?: string | undefined;
}

/** An opened video download: its length and its body, not yet read. */
export interface VideoSource {
  size: number | undefined;
  body: ReadableStream<Uint8Array>;
  /** Releases the download without reading it. */
  discard(): Promise<void>;
}

/** How long connecting and the response headers of a video download may take. */
const OPEN_TIMEOUT_MS = 30_000;

/**
 * Opens the video for streaming: the output URL, or the fallback download URL when that fails. Resolves
 * undefined when neither answers with the bytes (the link stays the way to watch it).
 */
export async function openVideo(video: SlackVideo, logger: Logger): Promise<VideoSource | undefined> {
  for (const url of [video.url, video.fallbackUrl]) {
    if (!url) continue;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), OPEN_TIMEOUT_MS);
    try {
      const response = await fetch(url, { signal: controller.signal, redirect: "follow" });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        logger.warn({ status: response.status, fallback: url !== video.url }, "slack-video-source-failed");
        continue;
      }
      const length = Number.parseInt(response.headers.get("content-length") ?? "", 10);
      const body = response.body;
      return {
        size: Number.isFinite(length) && length >= 0 ? length : undefined,
        body,
        discard: () => body.cancel().catch(() => undefined),
      };
    } catch (error) {
      logger.warn({ err: String(error), fallback: url !== video.url }, "slack-video-source-failed");
    } finally {
      clearTimeout(timer);
    }
  }
  return undefined;
}

/**
 * Slack's external upload, streamed: `files.getUploadURLExternal` (name, length) → the bytes POSTed to
 * the URL it gave, straight from the download (never whole in memory) → `files.completeUploadExternal`
 * into the thread, with the comment. Resolves the file id.
 */
export async function uploadVideo(
  client: WebClient,
  target: SlackTarget,
  video: SlackVideo,
  source: VideoSource & { size: number },
): Promise<string> {
  const slot = (await client.files.getUploadURLExternal({
    filename: video.fileName,
    length: source.size,
  })) as { upload_url?: string; file_id?: string };
  if (!slot.upload_url || !slot.file_id) {
    await source.discard();
    throw new Error("files.getUploadURLExternal returned no upload_url");
  }
  const uploaded = await fetch(slot.upload_url, {
    method: "POST",
    headers: { "content-type": "video/mp4", "content-length": String(source.size) },
    body: source.body,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  await uploaded.body?.cancel();
  if (!uploaded.ok) throw new Error(`the upload URL answered HTTP ${uploaded.status}`);
  await client.files.completeUploadExternal({
    files: [{ id: slot.file_id, title: video.title ?? video.fileName }],
    channel_id: target.channel,
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    ...(video.comment ? { initial_comment: video.comment } : {}),
  } as Parameters<WebClient["files"]["completeUploadExternal"]>[0]);
  return slot.file_id;
}

/** "52.4 MB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${bytes} B`;
}
