import diagnostics from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import type { PlatformErrorKind } from "../jobs/job-metrics.js";
import type { Metrics } from "./metrics.js";

/** Where the backend and each chat platform's Web API live (origins, e.g. `https://slack.com`). */
export interface OutboundOrigins {
  backend: string;
  platforms: Record<string, string>;
}

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
}

const STREAM_PATH = "/run_sse";

function kindOf(status: number): PlatformErrorKind | undefined {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return undefined;
}

function originOf(value: unknown): string | undefined {
  try {
    return new URL(String(value)).origin;
  } catch {
    return undefined;
  }
}

/**
 * Watches this process's outbound HTTP through Node's diagnostics channels (undici for the backend,
 * Discord and Slack's Web API; node:http for any client still on it), so no client needs a hook: open
 * backend streams, backend answers 429/4xx/5xx and network failures, chat platform errors and rate limits.
 * Returns the function that stops watching.
 */
export function observeOutboundHttp(origins: OutboundOrigins, metrics: Metrics): () => void {
  const backend = originOf(origins.backend);
  const platformByOrigin = new Map<string, string>();
  for (const [platform, url] of Object.entries(origins.platforms)) {
    const origin = originOf(url);
    if (origin) platformByOrigin.set(origin, platform);
  }
  const hostToPlatform = new Map(
    [...platformByOrigin].map(([origin, platform]) => [new URL(origin).host, platform]),
  );
  const openStreams = new Set<object>();

  const record = (origin: string | undefined, kind: PlatformErrorKind) => {
    if (origin === undefined) return;
    if (origin === backend) metrics.backendHttpError(kind);
    const platform = platformByOrigin.get(origin);
    if (platform) metrics.platformError(platform, kind);
  };
  const closeStream = (request: object) => {
    if (openStreams.delete(request)) metrics.streamClosed();
  };

  const handlers: [string, (message: unknown) => void][] = [
    [
      "undici:request:headers",
      (message) => {
        const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
        const origin = originOf(request.origin);
        const kind = kindOf(response.statusCode);
        if (kind) return record(origin, kind);
        const path = typeof request.path === "string" ? request.path : "";
        if (origin === backend && path.split("?")[0]!.endsWith(STREAM_PATH) && !openStreams.has(request)) {
          openStreams.add(request);
          metrics.streamOpened();
        }
      },
    ],
    ["undici:request:trailers", (message) => closeStream((message as { request: object }).request)],
    [
      "undici:request:error",
      (message) => {
        const { request, error } = message as { request: UndiciRequest; error: Error };
        closeStream(request);
        // Aborts are the caller's own decision (shutdown, cancel), not a failure of the far side.
        if (error.name !== "AbortError" && !/abort/i.test(error.message))
          record(originOf(request.origin), "network");
      },
    ],
    [
      "http.client.response.finish",
      (message) => {
        const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
        const kind = kindOf(response.statusCode ?? 0);
        const platform = hostToPlatform.get(String(request.getHeader("host") ?? request.host));
        if (kind && platform) metrics.platformError(platform, kind);
      },
    ],
    [
      "http.client.request.error",
      (message) => {
        const { request } = message as { request: ClientRequest };
        const platform = hostToPlatform.get(String(request.getHeader("host") ?? request.host));
        if (platform) metrics.platformError(platform, "network");
      },
    ],
  ];
  for (const [name, handler] of handlers) diagnostics.subscribe(name, handler);
  return () => {
    for (const [name, handler] of handlers) diagnostics.unsubscribe(name, handler);
    for (const request of openStreams) closeStream(request);
  };
}
