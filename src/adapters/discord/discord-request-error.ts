/** A Discord REST call failed (refused, not found, unreachable). Carries no token, no request body. */
export class DiscordRequestError extends Error {
  /** Stable code to match on; errors cross process boundaries (job queues) where `instanceof` fails. */
  readonly code = "DISCORD_REQUEST_FAILED";
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
