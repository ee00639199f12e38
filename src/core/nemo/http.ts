import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import pRetry from "p-retry";
import type { Dispatcher } from "undici";
import { causeCode, errorField } from "../error-code.js";
import type { Logger } from "../logger.js";
import {
  isNemoError,
  NemoAbortedError,
  NemoAuthError,
  NemoRateLimitedError,
  NemoUnavailableError,
} from "./errors.js";
import type { TokenProvider } from "./token-provider.js";
import type { Platform } from "./types.js";

export interface Attribution {
  source: string;
  version: string;
}

export interface HttpOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  tokens: TokenProvider;
  attribution: Attribution;
  logger: Logger;
  /** How long to wait after a 429 before the one retry (30 s in production). */
  rateLimitWaitMs: number;
  /** Retries of idempotent calls on 5xx / network errors. */
  retries: number;
  /** First backoff delay; doubles each retry. */
  retryMinDelayMs: number;
  /** Per-call default timeout (headers and body). */
  timeoutMs: number;
  /**
   * Told how each exchange went: "ok" when the backend answered below 500, "unreachable" on a 5xx or
   * a transport failure (refused, DNS, timeout, reset); nothing when the caller aborted. Feeds a breaker.
   */
  onOutcome?: ((outcome: BackendOutcome) => void) | undefined;
}

export type BackendOutcome = "ok" | "unreachable";

export interface CallOptions {
  method: "GET" | "POST";
  path: string;
  platform: Platform;
  json?: unknown;
  /** A streamed body; a factory so a retry after a token refresh can send it again. */
  body?: () => { stream: AsyncIterable<Uint8Array>; contentType: string; length?: number };
  headers?: Record<string, string>;
  /** false only for the anonymous-token call. */
  auth?: boolean;
  /** A user's own token for this call (instead of the bot's); never refreshed. */
  token?: string | undefined;
  /** Safe to repeat after a 5xx or a network error. */
  idempotent: boolean;
  timeoutMs?: number;
  /** Timeout for the body of a streamed response; 0 disables it (the SSE reader keeps its own). */
  bodyTimeoutMs?: number;
  signal?: AbortSignal | undefined;
  accept?: string;
  /** Called as each request leaves (tests and retry-aware callers count attempts). */
  onAttempt?: () => void;
}

export type Opened =
  | { kind: "json"; status: number; json: unknown }
  | { kind: "stream"; status: number; body: Dispatcher.ResponseData["body"] };

const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * One request/response exchange with the backend: auth header, attribution, one token refresh
 * on 1001/401, one waited retry on 429, and (idempotent calls only) backoff retries on 5xx/network.
 */
export class NemoHttp {
  /** The base URL's origin, and its path without a trailing slash (each call's path goes after it). */
  private readonly origin: string;
  private readonly prefix: string;

  constructor(private readonly options: HttpOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.prefix = base.pathname.replace(/\/$/, "");
  }

  async open(call: CallOptions): Promise<Opened> {
    const retry = { refreshed: false, rateWaited: false };
    const retries = call.idempotent ? this.options.retries : 0;
    // A call sent once (every `/run_sse`) needs no retry loop: its own signal already stops it.
    if (retries === 0) return this.attempt(call, retry);
    const attempts = pRetry(() => this.attempt(call, retry), {
      retries,
      minTimeout: this.options.retryMinDelayMs,
      factor: 2,
      randomize: true,
      ...(call.signal ? { signal: call.signal } : {}),
      shouldRetry: (error) => error instanceof NemoUnavailableError,
      onFailedAttempt: (error) => {
        if (error.retriesLeft > 0) {
          this.options.logger.warn(
            { path: call.path, attempt: error.attemptNumber, err: error.message },
            "nemo-call-retry",
          );
        }
      },
    });
    // p-retry rejects with the signal's own reason when the caller aborts: keep it a typed error.
    return attempts.catch((error: unknown) => {
      if (call.signal?.aborted && !isNemoError(error))
        throw new NemoAbortedError("request aborted", { cause: error });
      throw error;
    });
  }

  private async attempt(
    call: CallOptions,
    retry: { refreshed: boolean; rateWaited: boolean },
  ): Promise<Opened> {
    for (;;) {
      const token = call.auth === false ? undefined : (call.token ?? (await this.options.tokens.token()));
      const { response, settled } = await this.send(call, token);
      const contentType = String(response.headers["content-type"] ?? "");
      if (response.statusCode < 300 && contentType.includes("text/event-stream")) {
        // The deadline (if any) bounds the whole stream: it goes when the body closes.
        response.body.once("close", settled);
        return { kind: "stream", status: response.statusCode, body: response.body };
      }
      let text: string;
      try {
        text = await response.body.text();
      } catch (error) {
        throw this.transportError(error, call.signal);
      } finally {
        settled();
      }
      const json = parseJson(text);
      const code = backendCode(json);
      if (token !== undefined && (response.statusCode === 401 || code === 1001)) {
        if (call.token !== undefined) {
          const rejected = new NemoAuthError("a user's linked token was rejected by the backend", false, {
            status: response.statusCode,
            ...(code === undefined ? {} : { backendCode: code }),
          });
          rejected.userToken = true;
          throw rejected;
        }
        if (retry.refreshed || this.options.tokens.isOperatorToken) {
          throw new NemoAuthError(
            this.options.tokens.isOperatorToken
              ? "the configured NEMO_TOKEN was rejected by the backend"
              : "the backend rejected a freshly obtained token",
            this.options.tokens.isOperatorToken,
            { status: response.statusCode, ...(code === undefined ? {} : { backendCode: code }) },
          );
        }
        retry.refreshed = true;
        this.options.logger.info({ path: call.path }, "nemo-token-refresh");
        await this.options.tokens.refresh(token);
        continue;
      }
      if (response.statusCode === 429 || code === 429) {
        if (retry.rateWaited) {
          throw new NemoRateLimitedError("rate limited by the backend", { status: response.statusCode });
        }
        retry.rateWaited = true;
        this.options.logger.warn(
          { path: call.path, waitMs: this.options.rateLimitWaitMs },
          "nemo-rate-limited",
        );
        await abortableDelay(this.options.rateLimitWaitMs, call.signal);
        continue;
      }
      if (response.statusCode >= 500) {
        throw new NemoUnavailableError(`backend answered HTTP ${response.statusCode}`, true, {
          status: response.statusCode,
        });
      }
      return { kind: "json", status: response.statusCode, json };
    }
  }

  /** Sends one request; `settled` clears its deadline once the caller is done with the response. */
  private async send(
    call: CallOptions,
    token: string | undefined,
  ): Promise<{ response: Dispatcher.ResponseData; settled: () => void }> {
    const headers: Record<string, string> = {
      "x-skill-source": this.options.attribution.source,
      "x-skill-version": this.options.attribution.version,
      "x-skill-platform": call.platform,
      accept: call.accept ?? "application/json",
      ...call.headers,
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: Dispatcher.DispatchOptions["body"];
    if (call.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(call.json);
    } else if (call.body) {
      const streamed = call.body();
      headers["content-type"] = streamed.contentType;
      if (streamed.length !== undefined) headers["content-length"] = String(streamed.length);
      body = Readable.from(streamed.stream, { objectMode: false });
    }
    const timeout = call.timeoutMs ?? this.options.timeoutMs;
    // A whole exchange (headers and body) is bounded too, not only each read; a stream (body timeout
    // 0) keeps its own caps in the reader. The caller's signal aborts either.
    const deadline = call.bodyTimeoutMs === 0 ? undefined : exchangeDeadline(timeout);
    const signal =
      deadline && call.signal
        ? AbortSignal.any([call.signal, deadline.signal])
        : (deadline?.signal ?? call.signal);
    const settled = deadline?.clear ?? noop;
    call.onAttempt?.();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.options.dispatcher.request({
        origin: this.origin,
        path: `${this.prefix}${call.path}`,
        method: call.method,
        headers,
        body: body ?? null,
        headersTimeout: timeout,
        bodyTimeout: call.bodyTimeoutMs ?? timeout,
        signal: signal ?? null,
      });
    } catch (error) {
      settled();
      throw this.transportError(error, call.signal);
    }
    this.options.onOutcome?.(response.statusCode >= 500 ? "unreachable" : "ok");
    return { response, settled };
  }

  private transportError(error: unknown, signal: AbortSignal | undefined): Error {
    const mapped = toTransportError(error, signal);
    if (!signal?.aborted) this.options.onOutcome?.("unreachable");
    return mapped;
  }
}

/** Maps a failure to reach or read from the backend onto the typed hierarchy. */
export function toTransportError(error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return new NemoAbortedError("request aborted", { cause: error });
  // A streamed request body that failed on its own (an attachment too large, its download failed).
  if (error instanceof Error && isNemoError(error)) return error;
  const code = transportCode(error);
  const reached = !(code && CONNECT_ERRORS.has(code));
  const message = error instanceof Error ? error.message : String(error);
  return new NemoUnavailableError(`backend unreachable: ${message}`, reached, { cause: error });
}

function transportCode(error: unknown): string | undefined {
  return causeCode(error, (code) => CONNECT_ERRORS.has(code) || !code.startsWith("UND_ERR"));
}

const noop = () => undefined;

/**
 * `AbortSignal.timeout(ms)` that can be cleared: a finished exchange drops its timer and signal at once
 * instead of keeping both alive for the rest of `ms` (30 s by default), for every call of every turn.
 * It aborts with the same reason (a `TimeoutError`).
 */
function exchangeDeadline(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function backendCode(json: unknown): number | undefined {
  const code = errorField(json, "code");
  return typeof code === "number" ? code : undefined;
}

async function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    throw new NemoAbortedError("aborted while waiting out a rate limit", { cause: error });
  }
}
