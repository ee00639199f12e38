/** How a chat platform's API refused or failed a call. */
export type PlatformErrorKind = "rate_limited" | "server_error" | "client_error" | "network";

/**
 * What job processors, the delivery outbox and messengers may record, without knowing about
 * Prometheus. Labels are fixed words (codes, platform names), never user, thread or job ids.
 */
export interface JobMetrics {
  /** A backend error (its `NemoErrorCode`) that the caller handled itself instead of failing the job. */
  backendError(code: string): void;
  /** A chat platform API call that failed or was rate limited. */
  platformError(platform: string, kind: PlatformErrorKind): void;
}
