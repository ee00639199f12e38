import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Dispatcher, request } from "undici";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Attachment } from "../../core/conversation/inbound.js";
import { errorCode } from "../../core/error-code.js";
import {
  NemoAbortedError,
  NemoDownloadFailedError,
  NemoDownloadRefusedError,
  NemoFileTooLargeError,
} from "../../core/nemo/errors.js";
import type { Platform } from "../../core/nemo/types.js";

/** The platforms' own file hosts; anything else must be listed in `DOWNLOAD_HOSTS`. */
export const PLATFORM_FILE_HOSTS = ["cdn.discordapp.com", "media.discordapp.net", "files.slack.com"];

/** The one host per platform that may receive the bot token with a download. */
const BOT_TOKEN_HOSTS: Partial<Record<Platform, string>> = { slack: "files.slack.com" };

export interface DownloadTimeouts {
  /** Until the response headers arrived (connecting included). */
  headersMs: number;
  /** The longest pause between two pieces of the body. */
  idleMs: number;
  /** The whole download. */
  totalMs: number;
}

/** Whose files an attachment is: the platform and the workspace (Slack team or enterprise) it came from. */
export type FileOwner = Pick<ConversationRef, "platform" | "workspace">;

export interface AttachmentSourceOptions {
  /** Extra hosts attachments may be fetched from (`DOWNLOAD_HOSTS`). */
  extraHosts: readonly string[];
  /**
   * The `Authorization` value for attachments that need a bot token: the token of the workspace the file
   * belongs to (read when the download starts, never carried in job data); undefined when there is none.
   */
  botAuthorization: (owner: FileOwner) => Promise<string | undefined>;
  /** Local files are accepted only from the console (the user's own machine). */
  allowLocalFiles: boolean;
  timeouts: DownloadTimeouts;
  /** The HTTP client's connection pool (tests pass one that trusts their own TLS certificate). */
  dispatcher?: Dispatcher;
}

/** One attachment's read: the size limit, and the job's signal that stops it. */
export interface ReadContext {
  maxBytes: number;
  signal?: AbortSignal | undefined;
}

/** How the upload job reads an attachment: streamed, or handed to the backend as a URL. */
export type AttachmentRead =
  | { kind: "url"; url: string }
  | { kind: "stream"; open: () => AsyncIterable<Uint8Array> };

/**
 * Decides how to read an attachment. Public https URLs are handed to the backend to fetch itself;
 * private ones are streamed, with the bot token only over https; no host outside the allowlist is
 * ever fetched. A stream stops at `maxBytes` whatever size was declared, and on the job's signal.
 */
export function attachmentRead(
  attachment: Attachment,
  owner: FileOwner,
  options: AttachmentSourceOptions,
  context: ReadContext,
): AttachmentRead {
  const { platform } = owner;
  const url = new URL(attachment.url);
  if (url.protocol === "file:") {
    if (!options.allowLocalFiles || platform !== "console")
      throw new NemoDownloadRefusedError("local files are accepted from the console only");
    const path = fileURLToPath(url);
    return { kind: "stream", open: () => capped(createReadStream(path), attachment.size, context.maxBytes) };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new NemoDownloadRefusedError(`unsupported URL scheme: ${url.protocol}`);
  // A public https URL is fetched by the backend, never by the bot: no host allowlist applies (a URL a
  // user pasted, e.g. Discord's "Add media from URL"), and no credentials travel with it.
  if (attachment.auth === "none" && url.protocol === "https:") return { kind: "url", url: attachment.url };
  const host = url.hostname.toLowerCase();
  const extraHosts = options.extraHosts.map((extra) => extra.toLowerCase());
  if (!PLATFORM_FILE_HOSTS.includes(host) && !extraHosts.includes(host)) {
    throw new NemoDownloadRefusedError(`attachment host not allowed: ${url.hostname}`);
  }
  // The bot token never travels over plain http, not even to a listed host: refused rather than sent
  // without it, since the host would then answer with a sign-in page instead of the file.
  if (attachment.auth === "bot-token" && url.protocol !== "https:") {
    throw new NemoDownloadRefusedError(`attachment needs the bot token but is not https: ${url.hostname}`);
  }
  // Over https, the token goes to the platform's own file host or to a host the operator listed.
  const trusted = extraHosts.includes(host) || host === BOT_TOKEN_HOSTS[platform];
  const authorization =
    attachment.auth === "bot-token" && trusted ? () => ownerAuthorization(owner, options) : undefined;
  return {
    kind: "stream",
    open: () =>
      capped(download(attachment.url, authorization, options, context), attachment.size, context.maxBytes),
  };
}

/** The file owner's bot token; refused when it has none (the host would answer with a sign-in page). */
async function ownerAuthorization(owner: FileOwner, options: AttachmentSourceOptions): Promise<string> {
  let authorization: string | undefined;
  try {
    authorization = await options.botAuthorization(owner);
  } catch (error) {
    throw new NemoDownloadFailedError(`the bot token of workspace ${owner.workspace} is unavailable`, {
      cause: error,
    });
  }
  if (!authorization)
    throw new NemoDownloadRefusedError(`no bot token for the files of workspace ${owner.workspace}`);
  return authorization;
}

async function* download(
  url: string,
  authorizationOf: (() => Promise<string>) | undefined,
  options: AttachmentSourceOptions,
  context: ReadContext,
): AsyncGenerator<Uint8Array> {
  const { timeouts } = options;
  const authorization = authorizationOf ? await authorizationOf() : undefined;
  const stop = new AbortController();
  const overall = AbortSignal.timeout(timeouts.totalMs);
  const signal = AbortSignal.any([stop.signal, overall, ...(context.signal ? [context.signal] : [])]);
  const failure = (error: unknown): Error => {
    if (context.signal?.aborted) return new NemoAbortedError("attachment download aborted", { cause: error });
    if (overall.aborted)
      return new NemoDownloadFailedError(`attachment download took over ${timeouts.totalMs} ms`, {
        cause: error,
      });
    return new NemoDownloadFailedError(`attachment download failed: ${describe(error)}`, { cause: error });
  };
  let response: Dispatcher.ResponseData;
  try {
    // undici's request follows no redirects, so an allowed host cannot bounce the token elsewhere.
    response = await request(url, {
      method: "GET",
      headers: authorization ? { authorization } : {},
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.idleMs,
      signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  } catch (error) {
    throw failure(error);
  }
  try {
    if (response.statusCode >= 300) {
      throw new NemoDownloadFailedError(`attachment download failed: HTTP ${response.statusCode}`, {
        status: response.statusCode,
      });
    }
    const length = Number(response.headers["content-length"]);
    if (Number.isFinite(length) && length > context.maxBytes) {
      throw new NemoFileTooLargeError(
        `attachment is ${length} bytes > ${context.maxBytes}`,
        context.maxBytes,
      );
    }
    try {
      for await (const chunk of response.body) yield chunk as Uint8Array;
    } catch (error) {
      throw failure(error);
    }
  } finally {
    // Stopped early (too large, the upload failed, an error status): drop the connection, read no more.
    if (!response.body.readableEnded) stop.abort();
    response.body.destroy();
  }
}

/**
 * Passes `source` through, failing as soon as it goes past `maxBytes` (the declared size may lie) or
 * differs from the declared size (the upload announced that length to the backend).
 */
async function* capped(
  source: AsyncIterable<Uint8Array>,
  declared: number | undefined,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new NemoFileTooLargeError(`attachment went past ${maxBytes} bytes`, maxBytes);
    }
    if (declared !== undefined && total > declared) {
      throw new NemoDownloadFailedError(`attachment is longer than its declared ${declared} bytes`);
    }
    yield chunk;
  }
  if (declared !== undefined && total !== declared) {
    throw new NemoDownloadFailedError(`attachment ended at ${total} of its declared ${declared} bytes`);
  }
}

function describe(error: unknown): string {
  const code = errorCode(error);
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
}
