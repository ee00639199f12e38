/** Every delay the jobs use; production defaults, shortened by tests and the demo. */
export interface Timings {
  /** "⏳ still working (N min)" cadence. */
  stillWorkingMs: number;
  /** Minimum gap between two edits of one message (Discord ~5/5 s, Slack chat.update ~1/s). */
  editThrottleMs: number;
  /** Delays between state polls after a lost stream (30 s, then 60 s, up to about 5 minutes). */
  recoveryDelaysMs: number[];
  /** Render status poll interval. */
  renderPollMs: number;
  /** Give up on a render after this long. */
  renderTimeoutMs: number;
  /** A job waiting in its thread's line re-checks at least this often (safety net; it is woken sooner). */
  lineRecheckMs: number;
  /** BullMQ lock: renewed every half of it while a job runs; a dead worker's job is retaken after it. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** On SIGTERM, how long running streams may still finish before they are left for recovery. */
  shutdownGraceMs: number;
  /** Outbox: delivery attempts and first backoff. */
  deliverAttempts: number;
  deliverBackoffMs: number;
  /** Streams: hard cap and heartbeat-only timeout. */
  streamHardCapMs: number;
  heartbeatTimeoutMs: number;
}

export const PRODUCTION_TIMINGS: Timings = {
  stillWorkingMs: 120_000,
  editThrottleMs: 1_500,
  recoveryDelaysMs: [30_000, 60_000, 60_000, 60_000, 60_000, 30_000],
  renderPollMs: 10_000,
  renderTimeoutMs: 5 * 60_000,
  lineRecheckMs: 30_000,
  // A 15-minute stream keeps its lock by renewal; a short lock means a dead worker's job is retaken fast,
  // and a job retaken while its stream still runs elsewhere never re-sends (see the sent marker).
  lockDurationMs: 60_000,
  stalledIntervalMs: 30_000,
  shutdownGraceMs: 20_000,
  deliverAttempts: 10,
  deliverBackoffMs: 1_000,
  streamHardCapMs: 15 * 60_000,
  heartbeatTimeoutMs: 10 * 60_000,
};
