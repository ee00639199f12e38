import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import type { Attachment } from "../core/conversation/inbound.js";
import type { Platform } from "../core/nemo/types.js";

/** The platforms' own file hosts; anything else must be listed in `DOWNLOAD_HOSTS`. */
export const PLATFORM_FILE_HOSTS = ["cdn.discordapp.com", "media.discordapp.net", "files.slack.com"];

/** The one host per platform that may receive the bot token with a download. */
const BOT_TOKEN_HOSTS: Partial<Record<Platform, string>> = { slack: "files.slack.com" };

export interface AttachmentSourceOptions {
  /** Extra hosts attachments may be fetched from (`DOWNLOAD_HOSTS`). */
  extraHosts: readonly string[];
  /** The `Authorization` value for attachments that need the platform's bot token. */
  botAuthorization: Partial<Record<Platform, string>>;
  /** Local files are accepted only from the console (the user's own machine). */
  allowLocalFiles: boolean;
}

/** How the upload job reads an attachment: streamed, or handed to the backend as a URL. */
export type AttachmentRead =
  | { kind: "url"; url: string }
  | { kind: "stream"; open: () => AsyncIterable<Uint8Array> };

/**
 * Decides how to read an attachment. Public https URLs are handed to the backend to fetch itself;
 * private ones are streamed with the bot token; no host outside the allowlist is ever fetched.
 */
export function attachmentRead(
  attachment: Attachment,
  platform: Platform,
  options: AttachmentSourceOptions,
): AttachmentRead {
  const url = new URL(attachment.url);
  if (url.protocol === "file:") {
    if (!options.allowLocalFiles || platform !== "console")
      throw new Error("local files are accepted from the console only");
    const path = fileURLToPath(url);
    return { kind: "stream", open: () => createReadStream(path) };
  }
  const allowed = [...PLATFORM_FILE_HOSTS, ...options.extraHosts].map((host) => host.toLowerCase());
  if (!allowed.includes(url.hostname.toLowerCase())) {
    throw new Error(`attachment host not allowed: ${url.hostname}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`unsupported URL scheme: ${url.protocol}`);
  if (attachment.auth === "none" && url.protocol === "https:") return { kind: "url", url: attachment.url };
  // The bot token goes only to the platform's own file host over https, or to a host the operator listed.
  const trusted =
    options.extraHosts.some((host) => host.toLowerCase() === url.hostname.toLowerCase()) ||
    (url.protocol === "https:" && url.hostname.toLowerCase() === BOT_TOKEN_HOSTS[platform]);
  const authorization =
    attachment.auth === "bot-token" && trusted ? options.botAuthorization[platform] : undefined;
  return {
    kind: "stream",
    open: () => download(attachment.url, authorization),
  };
}

async function* download(url: string, authorization: string | undefined): AsyncGenerator<Uint8Array> {
  // undici's request follows no redirects, so an allowed host cannot bounce the token elsewhere.
  const response = await request(url, {
    method: "GET",
    headers: authorization ? { authorization } : {},
    headersTimeout: 30_000,
    bodyTimeout: 60_000,
  });
  if (response.statusCode >= 300) {
    await response.body.dump();
    throw new Error(`attachment download failed: HTTP ${response.statusCode}`);
  }
  for await (const chunk of response.body) yield chunk as Uint8Array;
}
