import { DelayedError, type Job, type Queue } from "bullmq";
import type { Logger } from "../core/logger.js";
import type { LineEntry, ThreadLine } from "../store/thread-line.js";

/** The queues whose jobs stand in thread lines, by name. */
export type LineQueues = Record<string, Queue>;

/** Jobs just found at the head of their line by their acknowledgement: no second look needed. */
export const seenAtHead = new WeakSet<Job>();

/**
 * Lets a job run only when it is at the head of its thread's line. Otherwise the job parks itself
 * as a delayed job (holding no worker slot) until the job ahead of it finishes and wakes it.
 * Resolves true to run, false when the entry left the line (cancelled); throws DelayedError when parked.
 */
export async function takeTurnInLine(
  job: Job,
  token: string | undefined,
  line: ThreadLine,
  refKey: string,
  queues: LineQueues,
  recheckMs: number,
  logger: Logger,
): Promise<boolean> {
  if (seenAtHead.delete(job)) return true;
  const entry: LineEntry = { queue: job.queueName, jobId: job.id! };
  const head = await line.head(refKey);
  if (head && sameEntry(head, entry)) return true;
  if ((await line.position(refKey, entry)) < 0) return false;
  if (head) await dropFinishedHead(line, refKey, head, queues, recheckMs, logger);
  await job.moveToDelayed(Date.now() + recheckMs, token);
  if ((await line.park(refKey, entry)) === "head") await job.promote();
  throw new DelayedError();
}

/** Leaves the line and wakes whoever is next; `ran`: the job ran (at the head of the line). */
export async function leaveLine(
  job: Job,
  line: ThreadLine,
  refKey: string,
  queues: LineQueues,
  logger: Logger,
  ran = false,
): Promise<void> {
  const next = await line.leave(refKey, { queue: job.queueName, jobId: job.id! }, ran);
  if (next) await wake(next, queues, logger);
}

async function wake(entry: LineEntry, queues: LineQueues, logger: Logger): Promise<void> {
  const job = await queues[entry.queue]?.getJob(entry.jobId);
  if (!job) return;
  try {
    if ((await job.getState()) === "delayed") await job.promote();
  } catch (error) {
    // It left the delayed state meanwhile: it will find itself at the head when it runs.
    logger.debug({ job: entry.jobId, err: String(error) }, "line-wake-skipped");
  }
}

/**
 * A head whose job finished without leaving, or whose job is gone (its process died between joining
 * the line and adding the job), would block the thread. A missing job is dropped only once it has been
 * missing for a whole recheck period, since the intake adds the job right after joining.
 */
async function dropFinishedHead(
  line: ThreadLine,
  refKey: string,
  head: LineEntry,
  queues: LineQueues,
  recheckMs: number,
  logger: Logger,
): Promise<void> {
  const job = await queues[head.queue]?.getJob(head.jobId);
  const state = job ? await job.getState() : "unknown";
  if (state === "unknown" && !(await missingLongEnough(line, head, recheckMs))) return;
  if (state !== "completed" && state !== "failed" && state !== "unknown") return;
  logger.warn({ thread: refKey, job: head.jobId, state }, "line-stale-head-dropped");
  const next = await line.leave(refKey, head, true);
  if (next) await wake(next, queues, logger);
}

async function missingLongEnough(line: ThreadLine, head: LineEntry, recheckMs: number): Promise<boolean> {
  const firstSeen = await line.noteMissing(head, recheckMs * 10);
  return Date.now() - firstSeen >= recheckMs;
}

function sameEntry(a: LineEntry, b: LineEntry): boolean {
  return a.queue === b.queue && a.jobId === b.jobId;
}
