import type { Readable } from "node:stream";
import { request } from "undici";
import { isLoopbackHost } from "./loopback-host.js";

/**
 * Where the bot may fetch a finished video from (to upload it into a chat): https only (plain http to
 * loopback, e.g. the simulator, or anywhere allowed when `allowInsecureHttp`), and only the backend's
 * hosts: a name in `hosts` or a subdomain of one. Without `hosts` any host passes the host check.
 */
export interface MediaUrlPolicy {
  hosts?: readonly string[] | undefined;
  allowInsecureHttp?: boolean | undefined;
}

/** Why a media URL is refused: not a URL, a scheme other than https, a host not the backend's. */
export type MediaUrlRefusal = "not-a-url" | "scheme" | "host";

/** The reason `url` may not be fetched under `policy`; undefined when it may. */
export function mediaUrlRefusal(url: string, policy: MediaUrlPolicy): MediaUrlRefusal | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not-a-url";
  }
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const insecureOk = parsed.protocol === "http:" && (policy.allowInsecureHttp || isLoopbackHost(host));
  if (parsed.protocol !== "https:" && !insecureOk) return "scheme";
  if (!policy.hosts) return undefined;
  const allowed = policy.hosts.some((entry) => {
    const name = entry.toLowerCase().replace(/^\*\./, "");
    return host === name || host.endsWith(`.${name}`);
  });
  return allowed ? undefined : "host";
}

/** Thrown for a URL (or a redirect's target) the policy refuses; carries the host, never the URL. */
export class MediaUrlRefusedError extends Error {
  readonly code = "MEDIA_URL_REFUSED";
  constructor(
    readonly reason: MediaUrlRefusal,
    readonly host: string,
    readonly redirected: boolean,
  ) {
    super(`media URL refused (${reason}${host ? `: ${host}` : ""}${redirected ? ", after a redirect" : ""})`);
    this.name = "MediaUrlRefusedError";
  }
}

/** A media response: its status, headers and body (not read yet). */
export interface MediaResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * GETs a media URL, following up to `maxRedirects` redirects by hand, each target checked against the
 * policy first (a redirect to another host is refused, not followed). Nothing secret is sent.
 */
export async function openMediaUrl(
  url: string,
  policy: MediaUrlPolicy,
  options: { headersTimeout: number; bodyTimeout: number; maxRedirects: number },
): Promise<MediaResponse> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const refusal = mediaUrlRefusal(current, policy);
    if (refusal) throw new MediaUrlRefusedError(refusal, hostOf(current), hop > 0);
    const response = await request(current, {
      method: "GET",
      headersTimeout: options.headersTimeout,
      bodyTimeout: options.bodyTimeout,
    });
    const body = response.body as unknown as Readable;
    const location = response.headers.location;
    const redirect = response.statusCode >= 300 && response.statusCode < 400 && typeof location === "string";
    if (!redirect || hop >= options.maxRedirects)
      return { statusCode: response.statusCode, headers: response.headers, body };
    body.on("error", () => undefined);
    body.destroy();
    current = new URL(location, current).toString();
  }
}

/** The host (and port) of a URL, fit for a log line (never its path or query); empty when unparseable. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
