import { discordErrorCode, discordStatus } from "../common/rest-failure.js";

/**
 * Discord's JSON error codes that mean a message can never be edited again: Unknown Message (deleted),
 * another user's message, the edit limit on messages older than an hour, a system message.
 */
const MESSAGE_GONE_CODES = new Set([10008, 50005, 30046, 50021]);

/** A Discord REST call failed (refused, not found, unreachable). Carries no token, no request body. */
export class DiscordRequestError extends Error {
  /**
   * Stable code to match on; errors cross process boundaries (job queues) where `instanceof` fails.
   * `MESSAGE_GONE` when the message can never be edited again (the core then posts a new one).
   */
  readonly code: "MESSAGE_GONE" | "DISCORD_REQUEST_FAILED";
  /** HTTP status, when Discord answered. */
  readonly status: number | undefined;
  /** Discord's JSON error code (e.g. 10008 Unknown Message), when it sent one. */
  readonly discordCode: number | undefined;

  constructor(operation: string, cause: unknown) {
    super(`discord ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "DiscordRequestError";
    this.status = discordStatus(cause);
    this.discordCode = discordErrorCode(cause);
    this.code =
      this.discordCode !== undefined && MESSAGE_GONE_CODES.has(this.discordCode)
        ? "MESSAGE_GONE"
        : "DISCORD_REQUEST_FAILED";
  }
}
