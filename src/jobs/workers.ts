import type { Job, Processor, Queue, Worker, WorkerOptions } from "bullmq";
import { DEFAULT_CONCURRENCY, type WorkerConcurrency } from "../config/concurrency-defaults.js";
import { Exports } from "../conversation/exports/exports.js";
import { threadCalls } from "../conversation/thread-account.js";
import type { AttachmentSourceOptions } from "../conversation/uploads/attachment-source.js";
import type { FollowUps } from "../conversation/work-queue.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { RedisClient } from "../redis/connect.js";
import { recordExport } from "../store/export-history.js";
import { ExportStore } from "../store/export-store.js";
import { LegacyClaimTokens } from "../store/legacy-claim-tokens.js";
import { PrivateButtons } from "../store/private-buttons.js";
import { createCommandProcessor } from "./command-processor.js";
import { createDeliverProcessor } from "./deliver-jobs.js";
import { type ExportFinishedListener, ExportPoller } from "./export-poller.js";
import { createExportProcessor } from "./export-processor.js";
import { LeanWorker } from "./lean-worker.js";
import { adoptLegacyExportJobs } from "./legacy-export-queue.js";
import { lineProcessors } from "./line-processors.js";
import { type ExportJobData, type JobData, QUEUE, type TurnJobData, type UploadJobData } from "./payloads.js";
import type { JobServices } from "./services.js";
import { watchForWedgedWorkers } from "./wedged-worker-watch.js";

export interface RunningWorkers {
  workers: Worker[];
  /** Every export this process's poller sees end, with its outcome and duration (for metrics). */
  onExportFinished(listener: ExportFinishedListener): void;
  /** Stops taking jobs; running streams get the grace period, then are left for recovery. */
  close(): Promise<void>;
}

interface WorkersOptions {
  concurrency?: Partial<WorkerConcurrency>;
  sources: AttachmentSourceOptions;
  maxUploadBytes: number;
  followUps: FollowUps;
  messengers: Messengers;
}

/** How long an idle worker's blocking wait for new jobs lasts (seconds). */
const IDLE_BLOCK_SECONDS = 30;

/** The lock of the short jobs (deliveries, commands, export hand-offs): at most 15 s, a fast takeover. */
const SHORT_JOB_LOCK_MS = 15_000;

/**
 * Turns and uploads hold their lock `TURN_LOCK_MS` (2 min by default): a stream of several minutes
 * renews it (one Lua step, three commands per job) every half of it, not every 7.5 s. A worker that
 * stops gracefully hands its streams back without the lock (the cancelled job goes to its retry);
 * only a killed worker's turn waits for the lock to expire (see docs/operations.md). Short jobs keep
 * a 15 s lock.
 */
function lockDurationOf(queue: keyof JobData, turnLockMs: number): number {
  return queue === "turn" || queue === "upload" ? turnLockMs : Math.min(turnLockMs, SHORT_JOB_LOCK_MS);
}

/**
 * How often a queue's workers look for jobs whose lock expired: every `STALLED_CHECK_MS`, or a quarter
 * of the queue's lock when that is longer. Each look costs one EXISTS per running job, and a job can only
 * be found stalled after its whole lock expired: a 2-minute lock checked every 5 s paid 24 looks per
 * running turn for each one that could find it, a quarter of its lock 4 (a killed worker's turn is
 * retaken at most a quarter of the lock later than at once, about 2.5 minutes in all by default).
 */
function stalledIntervalOf(queue: keyof JobData, timings: JobServices["timings"]): number {
  return Math.max(timings.stalledIntervalMs, lockDurationOf(queue, timings.lockDurationMs) / 4);
}

/** Starts the turn, upload, export, deliver and command workers of this process, and its export poller. */
export function startWorkers(
  services: JobServices,
  connection: RedisClient,
  options: WorkersOptions,
): RunningWorkers {
  const concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const base = workerOptions(services, connection);
  const start = <Name extends keyof JobData>(name: Name, processor: Processor<JobData[Name]>) =>
    new LeanWorker<JobData[Name]>(QUEUE[name], processor, {
      ...base,
      concurrency: concurrency[name],
      lockDuration: lockDurationOf(name, services.timings.lockDurationMs),
      stalledInterval: stalledIntervalOf(name, services.timings),
    });
  const lines = lineProcessors(services, options);
  // Waiting exports are polled by one poller per process, at most `render` at a time (export-poller.ts).
  const exports = exportsOf(services);
  const poller = new ExportPoller(exports, {
    concurrency: concurrency.export,
    intervalMs: services.timings.exportPollMs,
    logger: services.logger,
  });
  const processors: { [Name in keyof JobData]: Processor<JobData[Name]> } = {
    turn: lines.turn,
    upload: lines.upload,
    export: createExportProcessor(exports, () => poller.wake()),
    deliver: createDeliverProcessor(services.outbox),
    command: createCommandProcessor(services, options),
  };
  const names = Object.keys(processors) as (keyof JobData)[];
  const workers: Worker[] = names.map((name) => start(name, processors[name] as Processor));
  const onFinalFailure = finalFailureHandler(exports, lines.failed);
  for (const worker of workers) watchWorker(worker, services, onFinalFailure);
  const stopWatching = watchForWedgedWorkers(
    names.map((name, index) => ({
      current: workers[index]!,
      queue: waitList(services.queues[name]),
      concurrency: concurrency[name],
      renew: () => start(name, processors[name] as Processor),
    })),
    {
      // Twice per stuck period: an idle worker's queue is read every 12.5 s, not every 5 s.
      checkMs: 2.5 * services.timings.stalledIntervalMs,
      stuckAfterMs: 5 * services.timings.stalledIntervalMs,
      logger: services.logger,
      onRenewed: (worker) => {
        workers[workers.findIndex((old) => old.name === worker.name)] = worker;
        watchWorker(worker, services, onFinalFailure);
      },
    },
  );
  const adopting = adoptLegacyExports(services, connection);
  poller.start();
  return {
    workers,
    onExportFinished: (listener) => poller.onFinished(listener),
    close: async () => {
      stopWatching();
      await adopting;
      await closeWorkers(workers, poller, services);
    },
  };
}

/**
 * Exports an older version left waiting (its queue and due set had other names) are taken over, and the
 * claim tokens it kept in the clear are deleted.
 */
async function adoptLegacyExports(
  services: Pick<JobServices, "redis" | "keys" | "queues" | "logger">,
  connection: RedisClient,
): Promise<void> {
  const { redis, keys, queues, logger } = services;
  try {
    await new ExportStore(redis, keys).adoptLegacyDue();
    await adoptLegacyExportJobs(connection, keys, queues.export, logger);
  } catch (error) {
    logger.warn({ err: String(error) }, "legacy-export-adoption-failed");
  }
  try {
    const forgotten = await new LegacyClaimTokens(redis, keys).forget();
    if (forgotten) logger.info(forgotten, "legacy-claim-tokens-forgotten");
  } catch (error) {
    logger.warn({ err: String(error) }, "legacy-claim-tokens-failed");
  }
}

function workerOptions(
  services: Pick<JobServices, "keys" | "timings">,
  connection: RedisClient,
): Omit<WorkerOptions, "concurrency"> {
  return {
    connection,
    prefix: services.keys.bull,
    // A job retaken after a crash is safe (its sent marker turns it into a recovery), so allow several.
    maxStalledCount: 5,
    // An idle worker blocks on its queue's marker this long before looking again (BullMQ's default is
    // 5 s: one fetch script per queue and 5 s while idle). A new job wakes it at once (the marker);
    // delayed jobs set the marker's time themselves.
    drainDelay: IDLE_BLOCK_SECONDS,
  };
}

/**
 * The jobs a free worker of the queue would take: one LLEN (BullMQ's `getWaitingCount` is a Lua step
 * of five commands, and counts a paused queue's jobs, which no worker takes).
 */
function waitList(queue: Queue): Pick<Queue, "getWaitingCount"> {
  return { getWaitingCount: async () => (await queue.client).llen(queue.keys.wait!) };
}

/** The exports of this process, over the shared Redis and backend. */
function exportsOf(services: JobServices): Exports {
  const { redis, keys } = services;
  return new Exports({
    ...services,
    calls: async (ref, signal) => (await threadCalls(services, ref, { signal })).ctx,
    store: new ExportStore(redis, keys),
    remember: (platform, userId, entry) => recordExport(redis, keys, platform, userId, entry),
    privateButtons: new PrivateButtons(redis, keys),
  });
}

type FinalFailure = (queue: string, job: Job) => Promise<void>;

/** What a job BullMQ will not try again leaves behind is cleared, and the user is told. */
function finalFailureHandler(
  exports: Pick<Exports, "abandon">,
  lineJobFailed: (job: Job<TurnJobData | UploadJobData>) => Promise<void>,
): FinalFailure {
  return async (queue, job) => {
    if (queue === QUEUE.export) await exports.abandon(job.data as ExportJobData, job.id!);
    // A thread's line must never stay blocked by work that will not run again.
    else if (queue === QUEUE.turn || queue === QUEUE.upload) await lineJobFailed(job as Job<TurnJobData>);
  };
}

function watchWorker(worker: Worker, services: Pick<JobServices, "logger">, onFinal: FinalFailure): void {
  const { logger } = services;
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
      if (final) await onFinal(worker.name, job);
    })().catch((err: unknown) => logger.error({ err: String(err) }, "job-failed-cleanup-error"));
  });
}

async function closeWorkers(
  workers: Worker[],
  poller: ExportPoller,
  services: Pick<JobServices, "timings" | "logger">,
): Promise<void> {
  const { timings, logger } = services;
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
}
