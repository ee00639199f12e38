import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Inbound, IntakePort } from "../core/conversation/inbound.js";
import type { JobMetrics, PlatformErrorKind } from "../jobs/job-metrics.js";

/** Seconds: from a quick credits reply to a 30-minute export. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800];

const PLATFORM_ERROR_KINDS: readonly PlatformErrorKind[] = [
  "rate_limited",
  "server_error",
  "client_error",
  "network",
];

/** A label value from outside (an error code, a job's result) kept to a bounded, safe set. */
export function boundedLabel(value: unknown, fallback: string): string {
  return typeof value === "string" && /^[A-Za-z][\w-]{0,39}$/.test(value) ? value : fallback;
}

/** What each metric means (Prometheus `HELP`), by name. */
const HELP = {
  nemo_inbound_events_total: "Inbound chat events taken in, by platform",
  nemo_job_duration_seconds:
    "Processing time of a job's last run, by queue (turn, upload, export, deliver, command) and outcome; export: its last poll",
  nemo_job_latency_seconds:
    "Time from a job's creation to its end (waiting in line and recovery included); queue export: from the request to its outcome (completed, failed, cancelled, timed-out)",
  nemo_job_errors_total: "Job runs that failed, by queue and error code",
  nemo_jobs_stalled_total:
    "Jobs whose worker stopped renewing their lock, taken over by another run (takeovers)",
  nemo_turn_recoveries_total:
    "Turns finished by reading the backend state after a lost stream or a worker's death",
  nemo_deliveries_retried_total:
    "Outbox attempts of posts and edits that failed the first time (delivered, retrying, gave_up)",
  nemo_backend_errors_total: "Backend errors by NemoErrorCode (failed jobs, and errors answered to the user)",
  nemo_backend_http_errors_total: "Backend HTTP calls answered 429, 4xx or 5xx, or failed on the network",
  nemo_platform_api_errors_total: "Chat platform API calls that failed or were rate limited",
  nemo_backend_streams_open: "Backend message streams (/run_sse) open in this process",
  nemo_degraded: "1 while the process is degraded for this reason (e.g. backend-circuit-open)",
  nemo_answer_feedback_total:
    "Feedback buttons pressed on answers (Slack's 👍/👎), by platform and rating (good, bad)",
} as const;

type MetricName = keyof typeof HELP;

/** Declares metrics in one registry: counters, gauges, and histograms with {@link DURATION_BUCKETS}. */
function declareIn(registry: Registry) {
  const registers = [registry];
  return {
    counter: <L extends string>(name: MetricName, labelNames: readonly L[]) =>
      new Counter<L>({ name, help: HELP[name], labelNames, registers }),
    gauge: <L extends string>(name: MetricName, labelNames: readonly L[]) =>
      new Gauge<L>({ name, help: HELP[name], labelNames, registers }),
    durations: <L extends string>(name: MetricName, labelNames: readonly L[]) =>
      new Histogram<L>({ name, help: HELP[name], labelNames, buckets: DURATION_BUCKETS, registers }),
  };
}

/** A registry with Node's default process metrics, `nemo_` prefixed. */
function registryWithDefaults(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "nemo_" });
  return registry;
}

/**
 * Prometheus metrics of one process. Counters and histograms are recorded through the methods below
 * (worker events, outbound HTTP, the `JobMetrics` hooks); queue depths are read at scrape time
 * (`queue-metrics.ts`). Every label is a fixed word: no user, thread or job ids.
 */
export class Metrics implements JobMetrics {
  readonly registry = registryWithDefaults();
  private readonly declare = declareIn(this.registry);
  private readonly inbound = this.declare.counter("nemo_inbound_events_total", ["platform"]);
  private readonly jobDuration = this.declare.durations("nemo_job_duration_seconds", ["queue", "outcome"]);
  private readonly jobLatency = this.declare.durations("nemo_job_latency_seconds", ["queue", "outcome"]);
  private readonly jobErrors = this.declare.counter("nemo_job_errors_total", ["queue", "code"]);
  private readonly stalled = this.declare.counter("nemo_jobs_stalled_total", ["queue"]);
  private readonly recoveries = this.declare.counter("nemo_turn_recoveries_total", ["outcome"]);
  private readonly deliveries = this.declare.counter("nemo_deliveries_retried_total", ["outcome"]);
  private readonly backendErrors = this.declare.counter("nemo_backend_errors_total", ["code"]);
  private readonly backendHttpErrors = this.declare.counter("nemo_backend_http_errors_total", ["kind"]);
  private readonly platformErrors = this.declare.counter("nemo_platform_api_errors_total", [
    "platform",
    "kind",
  ]);
  private readonly streams = this.declare.gauge("nemo_backend_streams_open", []);
  private readonly degraded = this.declare.gauge("nemo_degraded", ["reason"]);
  private readonly feedback = this.declare.counter("nemo_answer_feedback_total", ["platform", "rating"]);

  constructor() {
    // Series with a fixed set of labels start at 0, so panels and alerts see them before the first event.
    for (const kind of PLATFORM_ERROR_KINDS) this.backendHttpErrors.inc({ kind }, 0);
    for (const outcome of ["finished", "failed"] as const) this.recoveries.inc({ outcome }, 0);
    for (const outcome of ["delivered", "retrying", "gave_up"] as const) this.deliveries.inc({ outcome }, 0);
  }

  /** The chat platforms this process talks to: their error series start at 0 (one per kind). */
  platformsInUse(platforms: readonly string[]): void {
    for (const platform of platforms)
      for (const kind of PLATFORM_ERROR_KINDS)
        this.platformErrors.inc({ platform: boundedLabel(platform, "other"), kind }, 0);
  }

  /** A queue this process works on: its takeover count starts at 0. */
  queueWorked(queue: string): void {
    this.stalled.inc({ queue }, 0);
  }

  /** A 👍 ("good") or 👎 ("bad") on an answer. */
  answerFeedback(platform: string, rating: "good" | "bad"): void {
    this.feedback.inc({ platform: boundedLabel(platform, "other"), rating });
  }

  /** Wraps the intake so every inbound event is counted. */
  counting(handler: IntakePort): IntakePort {
    return {
      handle: (inbound: Inbound) => {
        this.inbound.inc({ platform: inbound.ref.platform });
        return handler.handle(inbound);
      },
      ...(handler.isConversation ? { isConversation: handler.isConversation.bind(handler) } : {}),
    };
  }

  backendError(code: string): void {
    this.backendErrors.inc({ code: boundedLabel(code, "other") });
  }

  platformError(platform: string, kind: PlatformErrorKind): void {
    this.platformErrors.inc({ platform: boundedLabel(platform, "other"), kind });
  }

  backendHttpError(kind: "rate_limited" | "client_error" | "server_error" | "network"): void {
    this.backendHttpErrors.inc({ kind });
  }

  streamOpened(): void {
    this.streams.inc();
  }

  streamClosed(): void {
    this.streams.dec();
  }

  /** One finished run of a job: its processing time, and (when it is over) its whole latency. */
  jobFinished(
    queue: string,
    outcome: string,
    seconds: { run?: number | undefined; total?: number | undefined },
  ): void {
    const labels = { queue, outcome: boundedLabel(outcome, "done") };
    if (seconds.run !== undefined) this.jobDuration.observe(labels, seconds.run);
    if (seconds.total !== undefined) this.jobLatency.observe(labels, seconds.total);
  }

  jobError(queue: string, code: string): void {
    this.jobErrors.inc({ queue, code: boundedLabel(code, "other") });
  }

  jobStalled(queue: string): void {
    this.stalled.inc({ queue });
  }

  recovery(outcome: "finished" | "failed"): void {
    this.recoveries.inc({ outcome });
  }

  delivery(outcome: "delivered" | "retrying" | "gave_up"): void {
    this.deliveries.inc({ outcome });
  }

  setDegraded(reason: string, on: boolean): void {
    this.degraded.set({ reason: boundedLabel(reason, "other") }, on ? 1 : 0);
  }
}
