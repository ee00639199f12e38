import { type RetryOptions, WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { isRequestError } from "./api-errors.js";
import { slackLogger } from "./bolt-logger.js";
import { slackFetch } from "./slack-fetch.js";

/** Options of every Web API client the adapter makes. */
export interface SlackClientOptions {
  /** `SLACK_API_URL`: the Web API base (proxies, tests); Slack's own when unset. */
  apiUrl?: string | undefined;
  logger: Logger;
}

/** Options of the messenger's client: how long a rate limit may be waited out in place. */
export interface SlackMessengerClientOptions extends SlackClientOptions {
  /** A `Retry-After` up to this long is waited out by the client; a longer one rejects `RATE_LIMITED`. */
  maxRateLimitWaitMs: number;
}

/** How often one call waits out a rate limit and tries again before it rejects `RATE_LIMITED`. */
const RATE_LIMIT_RETRIES = 3;

/** How long one Web API call may take, answer read included. */
const CALL_TIMEOUT_MS = 15_000;

/** `apiUrl` as `@slack/web-api`'s `slackApiUrl`, which must end with `/`. */
export function slackApiUrl(apiUrl: string | undefined): string | undefined {
  if (!apiUrl) return undefined;
  return apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`;
}

/**
 * Web API client settings shared by the adapter (Bolt's client) and the messenger: the base URL, our
 * logger, a bounded timeout, and no long retry loops — a failed call rejects soon, and the core decides
 * (post again through its outbox, or post a new message when an edit failed).
 */
export function webClientOptions(options: SlackClientOptions) {
  const url = slackApiUrl(options.apiUrl);
  return {
    ...(url ? { slackApiUrl: url } : {}),
    logger: slackLogger(options.logger.child({ part: "slack-web-api" })),
    timeout: CALL_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  };
}

/**
 * The messenger's client settings: as {@link webClientOptions}, but a rate-limited call (HTTP 429,
 * nothing delivered) is handled by `@slack/web-api` itself: it pauses its queue for the `Retry-After`
 * Slack sent and sends the same call again (up to {@link RATE_LIMIT_RETRIES} times). Only rate limits
 * are retried (a timed-out post may have arrived, so the outbox decides about those); a `Retry-After`
 * longer than `maxRateLimitWaitMs` is refused at once as `RATE_LIMITED`, for the outbox to try later.
 */
export function messengerClientOptions(options: SlackMessengerClientOptions) {
  const retryConfig: RetryOptions & { onFailedAttempt(error: Error): void } = {
    retries: RATE_LIMIT_RETRIES,
    minTimeout: 0,
    // p-retry stops retrying when this throws: everything but the client's own rate-limit signal.
    onFailedAttempt(error) {
      if (rateLimitRetryAfterS(error) === undefined) throw error;
    },
  };
  return {
    ...webClientOptions(options),
    // The client's own timeout is an `AbortSignal.timeout` per call, alive (timer, signal, listeners)
    // for the whole 15 s after the call returned: for every post and edit of every running turn.
    // `slackFetch` bounds each call itself and drops its timer as soon as the answer is read.
    timeout: 0,
    rejectRateLimitedCalls: false,
    retryConfig,
    fetch: slackFetch(options.maxRateLimitWaitMs),
  };
}

/**
 * The `Retry-After` (seconds) of `@slack/web-api`'s "wait and retry" signal, thrown (wrapped in a
 * request error) after it waited out a 429, and what the call rejects with once its retries are used
 * up; undefined for any other error.
 */
export function rateLimitRetryAfterS(error: unknown): number | undefined {
  const signal = isRequestError(error) ? error.original : error;
  const message = signal instanceof Error ? signal.message : "";
  const match = /^A rate limit was exceeded \(.*retry-after: (\d+)\)$/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** A Web API client for `token`. */
export function createWebClient(token: string, options: SlackClientOptions): WebClient {
  return new WebClient(token, webClientOptions(options));
}
