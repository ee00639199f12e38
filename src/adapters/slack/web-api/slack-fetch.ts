import type { FetchFunction } from "@slack/web-api";
import { Agent, type Dispatcher, request } from "undici";
import { DeliveryError } from "../../../core/conversation/delivery-error.js";

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** How long one Web API call may take, answer read included. */
const CALL_TIMEOUT_MS = 15_000;

/** Calls in flight to the Web API at once, per process (as `@slack/web-api`'s queue bounds a client). */
const MAX_CONNECTIONS = 100;

let sharedAgent: Dispatcher | undefined;
/** One connection pool for every messenger of the process (they all talk to the one Web API host). */
export function slackAgent(): Dispatcher {
  sharedAgent ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connections: MAX_CONNECTIONS,
  });
  return sharedAgent;
}

/**
 * The `fetch` of the messenger's `@slack/web-api` client (its calls other than posts and edits, which go
 * through `SlackWriter`: `users.info`, a file upload's steps…): one `undici.request` per call, the answer
 * (a small JSON) read at once into a response that holds a buffer, instead of the global `fetch` (WHATWG
 * streams for both bodies, a `Request`, a `Response`, their headers: a post through the client cost
 * 0.6 ms of CPU with it, 0.18 ms without). A body other than a string (a form with a file) goes to the
 * global `fetch`. Each call, answer read included, is bounded to {@link CALL_TIMEOUT_MS} (rejecting with
 * a `TimeoutError`, as the client's own timeout does), and its timer goes with the answer. A 429 whose
 * `Retry-After` is longer than `maxWaitMs` is refused before any wait (`RATE_LIMITED`).
 */
export function slackFetch(maxWaitMs: number, dispatcher: Dispatcher = slackAgent()): FetchFunction {
  return async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== "string") {
      return await withDeadline(init.signal ?? undefined, (signal) =>
        fetch(url, { ...init, signal } as RequestInit),
      );
    }
    const answer = await slackRequest(String(url), {
      method: (init.method ?? "POST") as Dispatcher.HttpMethod,
      headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body ?? null,
      dispatcher,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const headers = new ResponseHeaders(answer.headers);
    if (answer.status === 429) {
      const seconds = retryAfterSeconds(answer.headers);
      if (seconds !== undefined && seconds * 1000 > maxWaitMs) throw rateLimited(seconds);
    }
    return bufferedResponse(String(url), answer.status, headers, answer.body);
  };
}

/** A Web API answer, read whole. */
export interface SlackAnswer {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  body: Buffer;
}

/**
 * One `undici.request` to the Web API with its answer read into a buffer (a small JSON), the whole of it
 * bounded to {@link CALL_TIMEOUT_MS} (rejecting with a `TimeoutError`, as the client's own timeout does).
 */
export function slackRequest(
  url: string,
  options: {
    method: Dispatcher.HttpMethod;
    headers: Record<string, string>;
    body: string | null;
    dispatcher?: Dispatcher;
    signal?: AbortSignal;
  },
): Promise<SlackAnswer> {
  const { dispatcher = slackAgent(), signal: given, ...call } = options;
  return withDeadline(given, async (signal) => {
    const response = await request(url, { ...call, dispatcher, signal });
    const body = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body };
  });
}

/** `Retry-After` in seconds, when the answer has a usable one. */
export function retryAfterSeconds(headers: Dispatcher.ResponseData["headers"]): number | undefined {
  const seconds = Number.parseInt(String(headers["retry-after"] ?? ""), 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Slack asked to wait longer than the messenger waits in place: nothing was delivered. */
export function rateLimited(seconds: number): DeliveryError {
  return new DeliveryError("RATE_LIMITED", `slack rate limited for ${seconds} s`, {
    retryAfterMs: seconds * 1000,
  });
}

/** Runs `call` with a signal that aborts after {@link CALL_TIMEOUT_MS} (or with `given`); the timer goes with it. */
async function withDeadline<T>(
  given: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    CALL_TIMEOUT_MS,
  );
  try {
    return await call(given ? AbortSignal.any([given, deadline.signal]) : deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** A response whose body is already read: what `@slack/web-api` uses of a `fetch` answer. */
function bufferedResponse(
  url: string,
  status: number,
  headers: ResponseHeaders,
  body: Buffer,
): FetchResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: "",
    url,
    headers,
    arrayBuffer: async () =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    text: async () => body.toString("utf8"),
    json: async () => JSON.parse(body.toString("utf8")),
  };
}

/** undici's header object (lower-case names) as the `get` / `entries` of fetch's `Headers`. */
class ResponseHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }
}
