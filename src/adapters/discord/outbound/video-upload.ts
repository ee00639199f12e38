import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { request } from "undici";
import type { Logger } from "../../../core/logger.js";
import { type MediaUrlPolicy, MediaUrlRefusedError, openMediaUrl } from "../../../core/media-url.js";
import type { DiscordMessageBody, DiscordVideo } from "./render-discord.js";

/** An opened video download: its bytes as a stream, and its declared size. */
export interface OpenedVideo {
  body: Readable;
  sizeBytes: number;
  close(): void;
}

const OPEN_TIMEOUT_MS = 30_000;

/** Redirects followed from a video URL, each within the allowed hosts. */
const MAX_REDIRECTS = 3;

/**
 * Opens the video for streaming: the output URL, else (when it is refused, fails or answers non-2xx) the
 * fallback download URL. Only URLs (and redirects) the media policy allows are fetched. Nothing is read
 * yet; no credentials are sent. Undefined when neither answers with a declared size (`content-length`),
 * which an attachment needs up front: the message then links the video.
 */
export async function openVideo(
  video: DiscordVideo,
  log: Logger,
  media: MediaUrlPolicy,
): Promise<OpenedVideo | undefined> {
  for (const url of [video.url, video.fallbackUrl]) {
    if (!url) continue;
    try {
      const response = await openMediaUrl(url, media, {
        headersTimeout: OPEN_TIMEOUT_MS,
        bodyTimeout: OPEN_TIMEOUT_MS,
        maxRedirects: MAX_REDIRECTS,
      });
      const size = Number(response.headers["content-length"]);
      if (response.statusCode >= 200 && response.statusCode < 300 && Number.isFinite(size) && size > 0) {
        const body = response.body as unknown as Readable;
        return { body, sizeBytes: size, close: () => discard(body) };
      }
      discard(response.body as unknown as Readable);
      log.info({ status: response.statusCode, fallback: url !== video.url }, "discord-video-open-refused");
    } catch (error) {
      if (error instanceof MediaUrlRefusedError)
        log.warn(
          { reason: error.reason, host: error.host, fallback: url !== video.url },
          "video-url-refused",
        );
      else log.info({ err: String(error), fallback: url !== video.url }, "discord-video-open-failed");
    }
  }
  return undefined;
}

/** Stops a download that is not (or no longer) read; its abort is expected, not an error. */
function discard(body: Readable): void {
  body.on("error", () => undefined);
  body.destroy();
}

/** What Discord answered a multipart request. */
export interface MultipartResult {
  status: number;
  body: unknown;
}

/**
 * Sends a message create (`POST`) or edit (`PATCH`) with one file, streaming its bytes from `file.body`
 * into the multipart request body: `payload_json` first, then `files[0]`. The file is never held in
 * memory whole (the body is an async iterable of the download's chunks).
 */
export async function sendWithFile(options: {
  apiUrl: string;
  token: string;
  method: "POST" | "PATCH";
  path: string;
  body: DiscordMessageBody;
  file: { name: string; stream: Readable; sizeBytes: number };
}): Promise<MultipartResult> {
  const boundary = `nemo-${randomUUID()}`;
  const payload = {
    ...options.body,
    attachments: [{ id: 0, filename: options.file.name }],
  };
  const head = Buffer.from(
    `--${boundary}\r\n` +
      'Content-Disposition: form-data; name="payload_json"\r\n' +
      "Content-Type: application/json\r\n\r\n" +
      `${JSON.stringify(payload)}\r\n` +
      `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="files[0]"; filename="${options.file.name}"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of options.file.stream) yield chunk as Buffer;
    yield tail;
  }
  const response = await request(`${options.apiUrl.replace(/\/$/, "")}/v10${options.path}`, {
    method: options.method,
    headers: {
      authorization: `Bot ${options.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(head.length + options.file.sizeBytes + tail.length),
      "user-agent": "DiscordBot (nemo-video-bot, 1)",
    },
    body: Readable.from(parts(), { objectMode: false }),
  });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.statusCode, body };
}
