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
    const details = describe(cause);
    super(`discord ${operation} failed: ${details.message}`, { cause });
    this.name = "DiscordRequestError";
    this.status = details.status;
    this.discordCode = details.discordCode;
    this.code =
      details.discordCode !== undefined && MESSAGE_GONE_CODES.has(details.discordCode)
        ? "MESSAGE_GONE"
        : "DISCORD_REQUEST_FAILED";
  }
}

function describe(cause: unknown): { message: string; status?: number; discordCode?: number } {
  const error = cause as { message?: unknown; status?: unknown; code?: unknown };
  const message = typeof error?.message === "string" ? error.message : String(cause);
  return {
    message,
    ...(typeof error?.status === "number" ? { status: error.status } : {}),
    ...(typeof error?.code === "number" ? { discordCode: error.code } : {}),
  };
}
