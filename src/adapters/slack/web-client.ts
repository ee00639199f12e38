import { WebClient } from "@slack/web-api";
import type { Logger } from "../../core/logger.js";
import { slackLogger } from "./bolt-logger.js";

/** Options of every Web API client the adapter makes. */
export interface SlackClientOptions {
  /** `SLACK_API_URL`: the Web API base (proxies, tests); Slack's own when unset. */
  apiUrl?: string | undefined;
  logger: Logger;
}

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
    timeout: 15_000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  };
}

/** A Web API client for `token`. */
export function createWebClient(token: string, options: SlackClientOptions): WebClient {
  return new WebClient(token, webClientOptions(options));
}
