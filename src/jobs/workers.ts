import { type Job, Worker, type WorkerOptions } from "bullmq";
import type { Intake } from "../conversation/intake.js";
import { createDeliverProcessor } from "../conversation/outbox.js";
import type { AttachmentSourceOptions } from "../conversation/uploads/attachment-source.js";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { text } from "../core/conversation/texts.js";
import type { RedisClient } from "../redis/connect.js";
import { RenderStore } from "../store/export-store.js";
import { createCommandProcessor } from "./command-processor.js";
import { RenderPoller } from "./export-poller.js";
import { createRenderProcessor, releaseExport } from "./export-processor.js";
import { lineProcessors } from "./line-processors.js";
import {
  type CommandJobData,
  type DeliverJobData,
  QUEUE,
  type RenderJobData,
  type TurnJobData,
  type UploadJobData,
} from "./payloads.js";
import type { JobServices } from "./services.js";

export interface WorkerConcurrency {
  turn: number;
  upload: number;
  render: number;
  deliver: number;
  command: number;
}

/** Defaults sized for I/O-bound work (config.ts: `TURN_CONCURRENCY`, … override them). */
export const DEFAULT_CONCURRENCY: WorkerConcurrency = {
  turn: 2_000,
  upload: 16,
  render: 50,
  deliver: 50,
  command: 50,
};

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs; running streams get the grace period, then are left for recovery. */
  close(): Promise<void>;
}

/** Starts the turn, upload, render and deliver workers of this process. */
export function startWorkers(
  services: JobServices,
  connection: RedisClient,
  options: {
    concurrency?: Partial<WorkerConcurrency>;
    sources: AttachmentSourceOptions;
    maxUploadBytes: number;
    intake: Intake;
    messengers: Messengers;
  },
): RunningWorkers {
  const concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const { timings, logger } = services;
  const base: Omit<WorkerOptions, "concurrency"> = {
    connection,
    prefix: services.keys.bull,
    lockDuration: timings.lockDurationMs,
    stalledInterval: timings.stalledIntervalMs,
    // A job retaken after a crash is safe (its sent marker turns it into a recovery), so allow several.
    maxStalledCount: 5,
  };
  const lines = lineProcessors(services, options);
  // Waiting exports are polled by one poller per process, at most `render` at a time (render-poller.ts).
  const renders = new RenderStore(services.redis, services.keys);
  const poller = new RenderPoller(services, renders, concurrency.render);
  const workers = [
    new Worker<TurnJobData>(QUEUE.turn, lines.turn, { ...base, concurrency: concurrency.turn }),
    new Worker<UploadJobData>(QUEUE.upload, lines.upload, { ...base, concurrency: concurrency.upload }),
    new Worker(
      QUEUE.render,
      createRenderProcessor(services, renders, () => poller.wake()),
      {
        ...base,
        concurrency: concurrency.render,
      },
    ),
    new Worker<DeliverJobData>(QUEUE.deliver, createDeliverProcessor(services.delivery), {
      ...base,
      concurrency: concurrency.deliver,
    }),
    new Worker<CommandJobData>(
      QUEUE.command,
      createCommandProcessor(services, options.intake, options.messengers, options.maxUploadBytes),
      { ...base, concurrency: concurrency.command },
    ),
  ];
  for (const worker of workers) {
    worker.on("error", (error) => logger.error({ queue: worker.name, err: error.message }, "worker-error"));
    // A job whose lock could not be renewed may already run elsewhere: stop this copy (its stream is
    // never re-sent; the other copy recovers from the state).
    worker.on("lockRenewalFailed", (jobIds) => {
      logger.warn({ queue: worker.name, jobs: jobIds }, "lock-renewal-failed-job-cancelled");
      for (const id of jobIds) worker.cancelJob(id, "lock lost");
    });
    worker.on("failed", (job: Job | undefined, error) => {
      if (!job) return;
      void (async () => {
        // Final when BullMQ will not try again: attempts used up, or an unrecoverable failure
        // (such as a job that stalled too often), whatever attemptsMade says.
        const final = (await job.getState()) === "failed";
        logger.warn({ queue: worker.name, job: job.id, final, err: error.message }, "job-failed");
        if (!final) return;
        if (worker.name === QUEUE.render) {
          const data = job.data as RenderJobData;
          await releaseExport(services, job as Job<RenderJobData>);
          await services.delivery.post(parseRefKey(data.refKey), {
            text: text(data.lang, "export_failed"),
            tone: "error",
          });
        } else if (worker.name === QUEUE.turn || worker.name === QUEUE.upload) {
          // A thread's line must never stay blocked by work that will not run again.
          await lines.failed(job as Job<TurnJobData>);
        }
      })().catch((err: unknown) => logger.error({ err: String(err) }, "job-failed-cleanup-error"));
    });
  }
  poller.start();
  return {
    workers,
    close: async () => {
      await poller.stop();
      // A worker still connecting would reject its own start-up once the connection is gone.
      await Promise.all(workers.map((worker) => worker.waitUntilReady().catch(() => undefined)));
      await Promise.all(workers.map((worker) => worker.pause(true).catch(() => undefined)));
      const graceful = Promise.all(workers.map((worker) => worker.close())).catch((error: unknown) => {
        logger.warn({ err: String(error) }, "worker-close-error");
      });
      const timer = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), timings.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([graceful, timer])) === "timeout") {
        logger.warn({ graceMs: timings.shutdownGraceMs }, "shutdown-grace-over-leaving-jobs-for-recovery");
        for (const worker of workers) worker.cancelAllJobs("shutdown");
        // close(true) joins the close already under way, so bound it: what still runs is left to the
        // stalled-job check of another worker (a turn's sent marker turns it into a recovery).
        await Promise.race([
          Promise.all(workers.map((worker) => worker.close(true))).catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, timings.shutdownGraceMs).unref()),
        ]);
      }
    },
  };
}
