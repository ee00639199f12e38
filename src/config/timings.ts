import type { Config } from "./config.js";

/** Every delay the jobs use; production defaults, shortened by tests and the demo. */
export interface Timings {
  /** "⏳ still working (N min)" cadence. */
  stillWorkingMs: number;
  /** Minimum gap between two edits of one message (Discord ~5/5 s, Slack chat.update ~1/s). */
  editThrottleMs: number;
  /** Delays between state polls after a lost stream (2 s to start at once, then 30 s, 60 s…, about 5 minutes). */
  recoveryDelaysMs: number[];
  /** After `/run_sse` refused with an HTTP error: wait this long, read the state once, then tell the user. */
  refusalCheckDelayMs: number;
  /** While the backend is unreachable a turn waits, first this long, doubling up to `backendWaitMaxDelayMs`… */
  backendWaitFirstMs: number;
  backendWaitMaxDelayMs: number;
  /** …for at most this long in all; then it fails with Retry. */
  backendMaxWaitMs: number;
  /** Render status poll interval while progress moves (the first poll too); doubles while it stalls… */
  exportPollMs: number;
  /** …up to this (the public skill polls every 30 s). Also how long a poller's claim on an unsubmitted render lasts. */
  exportPollMaxMs: number;
  /** Give up on a render after this long. */
  exportTimeoutMs: number;
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
  recoveryDelaysMs: [2_000, 30_000, 60_000, 60_000, 60_000, 60_000, 30_000],
  refusalCheckDelayMs: 3_000,
  backendWaitFirstMs: 5_000,
  backendWaitMaxDelayMs: 60_000,
  backendMaxWaitMs: 30 * 60_000,
  exportPollMs: 3_000,
  exportPollMaxMs: 30_000,
  exportTimeoutMs: 5 * 60_000,
  lineRecheckMs: 30_000,
  // A 15-minute stream keeps its lock by renewal (every half lock: one Lua step, three commands per job);
  // a killed worker's turn is retaken after lock 2 min + stalled check 5 s + first recovery poll 2 s. A
  // stopping worker's turns fail over to their retry without waiting for the lock. Short jobs (deliveries,
  // commands) hold at most 15 s (jobs/workers.ts). An event loop that stalls longer than the lock lets
  // another worker take the job while its stream still runs: the sent marker makes that safe (the copy
  // recovers from state and never re-sends; the stalled copy is cancelled on `lockRenewalFailed`).
  lockDurationMs: 120_000,
  stalledIntervalMs: 5_000,
  shutdownGraceMs: 20_000,
  deliverAttempts: 10,
  deliverBackoffMs: 1_000,
  streamHardCapMs: 15 * 60_000,
  heartbeatTimeoutMs: 10 * 60_000,
};

/** The timings operators may change through the environment (validated in config.ts). */
export function timingsFromConfig(config: Config): Partial<Timings> {
  return {
    lockDurationMs: config.TURN_LOCK_MS,
    stalledIntervalMs: config.STALLED_CHECK_MS,
    recoveryDelaysMs: [config.RECOVERY_FIRST_DELAY_MS, ...PRODUCTION_TIMINGS.recoveryDelaysMs.slice(1)],
    refusalCheckDelayMs: config.REFUSAL_CHECK_DELAY_MS,
    backendMaxWaitMs: config.BACKEND_MAX_WAIT_MS,
  };
}
