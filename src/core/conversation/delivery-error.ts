import { errorCode, errorField } from "../error-code.js";

/**
 * Why a messenger could not post or edit, as far as the outbox needs to know. Match on `code`, not
 * `instanceof` (errors cross process boundaries in job queues):
 * - `MESSAGE_GONE`: the message can never be edited again (deleted, too old, not ours, ephemeral):
 *   what was meant for it is posted as a new message;
 * - `RATE_LIMITED`: the platform asked to wait longer than the messenger waits in place; nothing was
 *   delivered, the outbox tries again after `retryAfterMs`.
 * Any other error is transient: the outbox retries the same post or edit with backoff.
 */
export type DeliveryErrorCode = "MESSAGE_GONE" | "RATE_LIMITED";

export class DeliveryError extends Error {
  readonly code: DeliveryErrorCode;
  /** For `RATE_LIMITED`: how long the platform asked to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: DeliveryErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterMs?: number | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeliveryError";
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether `error` says the message can never be edited again (post a new one instead). */
export function isMessageGone(error: unknown): boolean {
  return errorCode(error) === "MESSAGE_GONE";
}

/** For a rate-limited delivery, how long to wait before trying again; undefined for other errors. */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (errorCode(error) !== "RATE_LIMITED") return undefined;
  const retryAfterMs = errorField(error, "retryAfterMs");
  return typeof retryAfterMs === "number" && retryAfterMs > 0 ? retryAfterMs : 1_000;
}
