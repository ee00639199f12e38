import { ErrorCode, type WebAPIPlatformError, type WebAPIRequestError } from "@slack/web-api";

/**
 * Typed guards over `@slack/web-api`'s errors. They match on the stable `code` (as the SDK sets it),
 * not on `instanceof`, like every error check of the bot.
 */
function hasCode(error: unknown, code: ErrorCode): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

/** Slack answered `{ ok: false, error }` (`not_in_channel`, `message_not_found`, `invalid_auth`, …). */
export function isPlatformError(error: unknown): error is WebAPIPlatformError {
  return hasCode(error, ErrorCode.PlatformError);
}

/** The request failed before Slack answered; `original` is why (network, timeout, a rate-limit signal). */
export function isRequestError(error: unknown): error is WebAPIRequestError {
  return hasCode(error, ErrorCode.RequestError);
}

/** The `error` field of a Web API platform error, or undefined for any other error. */
export function slackErrorCode(error: unknown): string | undefined {
  if (!isPlatformError(error)) return undefined;
  const code: unknown = error.data?.error;
  return typeof code === "string" ? code : undefined;
}

/** An error's message for a log line (never a request or a token). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Slack's answers that mean the token itself is wrong (revoked, expired, another app's, mistyped). */
const REJECTED_TOKEN = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/**
 * Why a call with `variable`'s token failed, for `doctor` and `start` alike: a rejected token names the
 * variable and where to get a good one; a network failure its real cause ("DNS: cannot resolve
 * slack.com (ENOTFOUND)"), never "fetch failed". Never the token.
 */
export function tokenFailureText(
  error: unknown,
  variable: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN",
  describeNetwork: (error: unknown) => string,
): string {
  const code = slackErrorCode(error);
  if (code && REJECTED_TOKEN.has(code)) {
    const where =
      variable === "SLACK_BOT_TOKEN"
        ? "the Bot User OAuth Token (OAuth & Permissions; it starts with xoxb)"
        : "an app-level token with connections:write (Basic Information → App-Level Tokens; it starts with xapp)";
    return `Slack rejected ${variable} (${code}) — set ${variable} to ${where}`;
  }
  if (code) return `Slack answered ${code}`;
  return `cannot reach Slack: ${describeNetwork(error)}`;
}
