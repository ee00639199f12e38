import type { Job, Worker } from "bullmq";
import { errorCode } from "../core/error-code.js";
import { QUEUE } from "../jobs/payloads.js";
import { isRecoveryRun } from "../jobs/turn-processor.js";
import type { RunningWorkers } from "../jobs/workers.js";
import type { Metrics } from "./metrics.js";

const seconds = (from: number | undefined, to: number | undefined) =>
  from !== undefined && to !== undefined && to >= from ? (to - from) / 1000 : undefined;

/** Whether BullMQ will run the job again after this failure. */
function willRetry(job: Job, error: Error): boolean {
  if (error.name === "UnrecoverableError") return false;
  return job.attemptsMade < (job.opts.attempts ?? 1);
}

/**
 * Records what this process's workers do, from their events, without touching the processors: run
 * times and outcomes per queue (a processor's string result is its outcome: "done", "withdrawn",
 * "completed", "timed-out", …), failures by error code, stalled jobs taken over, turn recoveries and
 * outbox retries. Runs that end by re-scheduling themselves (export polls, recovery waits) are not
 * "finished" and are not recorded.
 */
export function observeWorkers(workers: Worker[], metrics: Metrics): void {
  for (const worker of workers) {
    const queue = worker.name;
    metrics.queueWorked(queue);
    worker.on("completed", (job: Job, result: unknown) => {
      const outcome = typeof result === "string" ? result : "done";
      metrics.jobFinished(queue, outcome, {
        run: seconds(job.processedOn, job.finishedOn),
        total: seconds(job.timestamp, job.finishedOn),
      });
      if (queue === QUEUE.turn && isRecoveryRun(job)) metrics.recovery("finished");
      if (queue === QUEUE.deliver) metrics.delivery("delivered");
    });
    worker.on("failed", (job: Job | undefined, error: Error) => {
      const code = errorCode(error);
      metrics.jobError(queue, code ?? error.name);
      if (code?.startsWith("NEMO_")) metrics.backendError(code);
      if (!job) return;
      const retry = willRetry(job, error);
      const finishedOn = job.finishedOn ?? Date.now();
      metrics.jobFinished(queue, retry ? "retry" : "failed", {
        run: seconds(job.processedOn, finishedOn),
        ...(retry ? {} : { total: seconds(job.timestamp, finishedOn) }),
      });
      if (queue === QUEUE.turn && isRecoveryRun(job) && !retry) metrics.recovery("failed");
      if (queue === QUEUE.deliver) metrics.delivery(retry ? "retrying" : "gave_up");
    });
    worker.on("stalled", () => metrics.jobStalled(queue));
  }
}

/**
 * Records how each export ends where that is decided — in the export poller, not in a job: its outcome
 * (`completed`, `failed`, `cancelled`, `timed-out`, …) under queue `export`, the last poll's time and
 * the whole time since it was asked for (the "Export duration" panel).
 */
export function observeExports(running: Pick<RunningWorkers, "onExportFinished">, metrics: Metrics): void {
  running.onExportFinished((outcome, seconds) => metrics.jobFinished(QUEUE.export, outcome, seconds));
}
