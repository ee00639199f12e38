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
