import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Inbound, InboundHandler } from "../core/conversation/inbound.js";
import type { JobMetrics, PlatformErrorKind } from "../jobs/job-metrics.js";

/** Seconds: from a quick credits reply to a 30-minute export. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800];

/** A label value from outside (an error code, a job's result) kept to a bounded, safe set. */
export function boundedLabel(value: unknown, fallback: string): string {
  return typeof value === "string" && /^[A-Za-z][\w-]{0,39}$/.test(value) ? value : fallback;
}

/**
 * Prometheus metrics of one process. Counters and histograms are recorded through the methods below
 * (worker events, outbound HTTP, the `JobMetrics` hooks); queue depths are read at scrape time
 * (`queue-metrics.ts`). Every label is a fixed word: no user, thread or job ids.
 */
export class Metrics implements JobMetrics {
  readonly registry = new Registry();
  private readonly inbound: Counter<"platform">;
  private readonly jobDuration: Histogram<"queue" | "outcome">;
  private readonly jobLatency: Histogram<"queue" | "outcome">;
  private readonly jobErrors: Counter<"queue" | "code">;
  private readonly stalled: Counter<"queue">;
  private readonly recoveries: Counter<"outcome">;
  private readonly deliveries: Counter<"outcome">;
  private readonly backendErrors: Counter<"code">;
  private readonly backendHttpErrors: Counter<"kind">;
  private readonly platformErrors: Counter<"platform" | "kind">;
  private readonly streams: Gauge;
  private readonly degraded: Gauge<"reason">;
  private readonly feedback: Counter<"platform" | "rating">;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "nemo_" });
    this.inbound = new Counter({
      name: "nemo_inbound_events_total",
      help: "Inbound chat events taken in, by platform",
      labelNames: ["platform"],
      registers,
    });
    this.jobDuration = new Histogram({
      name: "nemo_job_duration_seconds",
      help: "Processing time of a job's last run, by queue (turn, upload, render = export, deliver) and outcome",
      labelNames: ["queue", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.jobLatency = new Histogram({
      name: "nemo_job_latency_seconds",
      help: "Time from a job's creation to its end (waiting in line, export polling and recovery included)",
      labelNames: ["queue", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.jobErrors = new Counter({
      name: "nemo_job_errors_total",
      help: "Job runs that failed, by queue and error code",
      labelNames: ["queue", "code"],
      registers,
    });
    this.stalled = new Counter({
      name: "nemo_jobs_stalled_total",
      help: "Jobs whose worker stopped renewing their lock, taken over by another run (takeovers)",
      labelNames: ["queue"],
      registers,
    });
    this.recoveries = new Counter({
      name: "nemo_turn_recoveries_total",
      help: "Turns finished by reading the backend state after a lost stream or a worker's death",
      labelNames: ["outcome"],
      registers,
    });
    this.deliveries = new Counter({
      name: "nemo_deliveries_retried_total",
      help: "Outbox attempts of posts and edits that failed the first time (delivered, retrying, gave_up)",
      labelNames: ["outcome"],
      registers,
    });
    this.backendErrors = new Counter({
      name: "nemo_backend_errors_total",
      help: "Backend errors by NemoErrorCode (failed jobs, and errors the processors handled)",
      labelNames: ["code"],
      registers,
    });
    this.backendHttpErrors = new Counter({
      name: "nemo_backend_http_errors_total",
      help: "Backend HTTP calls answered 429, 4xx or 5xx, or failed on the network",
      labelNames: ["kind"],
      registers,
    });
    this.platformErrors = new Counter({
      name: "nemo_platform_api_errors_total",
      help: "Chat platform API calls that failed or were rate limited",
      labelNames: ["platform", "kind"],
      registers,
    });
    this.streams = new Gauge({
      name: "nemo_backend_streams_open",
      help: "Backend message streams (/run_sse) open in this process",
      registers,
    });
    this.degraded = new Gauge({
      name: "nemo_degraded",
      help: "1 while the process is degraded for this reason (e.g. backend-circuit-open)",
      labelNames: ["reason"],
      registers,
    });
    this.feedback = new Counter({
      name: "nemo_answer_feedback_total",
      help: "Feedback buttons pressed on answers (Slack's 👍/👎), by platform and rating (good, bad)",
      labelNames: ["platform", "rating"],
      registers,
    });
  }

  /** A 👍 ("good") or 👎 ("bad") on an answer. */
  answerFeedback(platform: string, rating: "good" | "bad"): void {
    this.feedback.inc({ platform: boundedLabel(platform, "other"), rating });
  }

  /** Wraps the gateway so every inbound event is counted. */
  counting(handler: InboundHandler): InboundHandler {
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
