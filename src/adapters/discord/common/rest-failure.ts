import { DiscordAPIError, HTTPError } from "@discordjs/rest";
import { DiscordAPIError as ClientAPIError, HTTPError as ClientHTTPError } from "discord.js";

// `@discordjs/rest` ships an ES module and a CommonJS build, each with its own error classes: our own
// REST clients (the messenger, the doctor) throw the first, discord.js's gateway client (CommonJS) the
// second, which discord.js re-exports. A failure may be either.

/**
 * The HTTP status of a failed Discord REST call, when Discord answered: a JSON error (`DiscordAPIError`)
 * or a bare one (`HTTPError`). Undefined otherwise (network failure, rate limit, anything else).
 */
export function discordStatus(error: unknown): number | undefined {
  return error instanceof DiscordAPIError ||
    error instanceof HTTPError ||
    error instanceof ClientAPIError ||
    error instanceof ClientHTTPError
    ? error.status
    : undefined;
}

/** Discord's JSON error code of a failed REST call (e.g. 10008 Unknown Message), when it sent one. */
export function discordErrorCode(error: unknown): number | undefined {
  const apiError = error instanceof DiscordAPIError || error instanceof ClientAPIError ? error : undefined;
  return typeof apiError?.code === "number" ? apiError.code : undefined;
}
