/**
 * The `code` of any error, not only the backend's (Node's and undici's carry codes such as `ECONNRESET`).
 * A local stand-in until core offers one such helper.
 */
export function anyErrorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

/** `NemoUnavailableError.requestMayHaveReached`, read from any error (undefined when it has none). */
export function requestMayHaveReached(error: unknown): unknown {
  return typeof error === "object" && error !== null && "requestMayHaveReached" in error
    ? error.requestMayHaveReached
    : undefined;
}
