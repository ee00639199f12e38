import { errorCode } from "../error-code.js";

/**
 * One typed hierarchy for everything the backend (or the way to it) can do wrong.
 * Match on `code`, not `instanceof`: errors cross process boundaries in job queues.
 */
export type NemoErrorCode =
  | "NEMO_AUTH"
  | "NEMO_SESSION_NOT_FOUND"
  | "NEMO_OUT_OF_CREDITS"
  | "NEMO_UNSUPPORTED_FILE"
  | "NEMO_FILE_TOO_LARGE"
  | "NEMO_EXPORT_BLOCKED"
  | "NEMO_RATE_LIMITED"
  | "NEMO_UNAVAILABLE"
  | "NEMO_REFUSED"
  | "NEMO_BAD_REQUEST"
  | "NEMO_STREAM_TIMEOUT"
  | "NEMO_HEARTBEAT_TIMEOUT"
  | "NEMO_STREAM_DROPPED"
  | "NEMO_ABORTED"
  | "NEMO_REQUEST_FAILED"
  | "NEMO_DOWNLOAD_REFUSED"
  | "NEMO_DOWNLOAD_FAILED";

export interface NemoErrorDetails {
  /** The backend's own code (1001, 2001, …) when it sent one. */
  backendCode?: number;
  /** HTTP status of the response, when there was one. */
  status?: number;
  cause?: unknown;
}

export class NemoError extends Error {
  readonly code: NemoErrorCode;
  readonly backendCode: number | undefined;
  readonly status: number | undefined;

  constructor(code: NemoErrorCode, message: string, details: NemoErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.backendCode = details.backendCode;
    this.status = details.status;
  }

  /** Whether trying the same call again later can succeed. Permanent failures stop retries. */
  get retryable(): boolean {
    return false;
  }
}

/** A subclass of {@link NemoError} that only fixes its code (and whether trying again can help). */
function codedError(code: NemoErrorCode, retryable = false) {
  return class extends NemoError {
    constructor(message: string, details: NemoErrorDetails = {}) {
      super(code, message, details);
    }
    override get retryable(): boolean {
      return retryable;
    }
  };
}

/** 1001 / HTTP 401: token invalid or expired (after one refresh already failed, or an operator token). */
export class NemoAuthError extends NemoError {
  /** A user's own linked token was rejected (revoked): they log in again; nothing to refresh. */
  userToken = false;
  /** A user's linked token can no longer be opened (the bot's `SECRETS_KEY` changed): they log in again. */
  accountUnreadable = false;
  constructor(
    message: string,
    readonly operatorToken: boolean,
    details: NemoErrorDetails = {},
  ) {
    super("NEMO_AUTH", message, details);
  }
}

/** 1002: the backend no longer knows the session. */
export class NemoSessionNotFoundError extends codedError("NEMO_SESSION_NOT_FOUND") {}

/** 2001: out of credits. Anonymous users get a registration link that binds their work. */
export class NemoOutOfCreditsError extends NemoError {
  constructor(
    message: string,
    readonly bindId: string | undefined,
    readonly bindUrl: string | undefined,
    details: NemoErrorDetails = {},
  ) {
    super("NEMO_OUT_OF_CREDITS", message, details);
  }
  /** A registered account's billing page (where credits are bought); set by the client. */
  billingUrl: string | undefined;
}

/** 4001: the file type is not accepted. */
export class NemoUnsupportedFileError extends NemoError {
  constructor(
    message: string,
    readonly accepted: readonly string[],
    details: NemoErrorDetails = {},
  ) {
    super("NEMO_UNSUPPORTED_FILE", message, details);
  }
}

/** 4002: the file is larger than the deployment accepts. */
export class NemoFileTooLargeError extends NemoError {
  constructor(
    message: string,
    readonly maxBytes: number | undefined,
    details: NemoErrorDetails = {},
  ) {
    super("NEMO_FILE_TOO_LARGE", message, details);
  }
}

/** HTTP 402 on export: the plan does not include export (not a credit problem). */
export class NemoExportBlockedError extends codedError("NEMO_EXPORT_BLOCKED") {}

/** 429 after the one waited retry. */
export class NemoRateLimitedError extends codedError("NEMO_RATE_LIMITED", true) {}

/** 5xx or a network failure. `requestMayHaveReached` says whether the backend may have acted on it. */
export class NemoUnavailableError extends NemoError {
  constructor(
    message: string,
    readonly requestMayHaveReached: boolean,
    details: NemoErrorDetails = {},
  ) {
    super("NEMO_UNAVAILABLE", message, details);
  }
  override get retryable(): boolean {
    return true;
  }
}

/**
 * `/run_sse` answered with an HTTP error status and a body that is no event stream (an HTML 502 from a
 * proxy, a 503 JSON, a 504 after a wait), before any stream byte. The message was most likely not
 * processed (a 504 may hide work that went on: confirm with one state read).
 */
export class NemoRefusedError extends NemoError {
  constructor(message: string, status: number, details: Omit<NemoErrorDetails, "status"> = {}) {
    super("NEMO_REFUSED", message, { ...details, status });
  }
  override get retryable(): boolean {
    return true;
  }
}

/** 400 and other refusals of the request itself (a bug on our side, or bad input). */
export class NemoBadRequestError extends codedError("NEMO_BAD_REQUEST") {}

/** The stream ran into its hard cap (15 minutes). */
export class NemoStreamTimeoutError extends codedError("NEMO_STREAM_TIMEOUT") {}

/** Only keep-alives for too long (10 minutes): the backend is treated as stuck. */
export class NemoHeartbeatTimeoutError extends codedError("NEMO_HEARTBEAT_TIMEOUT") {}

/** The stream broke after the request reached the backend. Recover from state; never re-send. */
export class NemoStreamDroppedError extends codedError("NEMO_STREAM_DROPPED") {}

/** The caller aborted (AbortSignal). */
export class NemoAbortedError extends NemoError {
  constructor(message = "aborted", details: NemoErrorDetails = {}) {
    super("NEMO_ABORTED", message, details);
  }
}

/** Any other non-zero backend code or unsuccessful render response. */
export class NemoRequestError extends codedError("NEMO_REQUEST_FAILED") {}

/**
 * An attachment the bot will never fetch, however often it is sent: a host outside the allowlist, a
 * scheme other than http(s), a local path from a chat, or a file that needs the bot token over plain http.
 */
export class NemoDownloadRefusedError extends codedError("NEMO_DOWNLOAD_REFUSED") {}

/** Fetching an attachment from its host failed: an error status, a timeout, a broken or short transfer. */
export class NemoDownloadFailedError extends codedError("NEMO_DOWNLOAD_FAILED", true) {}

/** True for any error of this hierarchy, also after it crossed a process boundary as plain data. */
export function isNemoError(error: unknown): error is { code: NemoErrorCode; message: string } {
  return errorCode(error)?.startsWith("NEMO_") === true;
}
