import type { Job, JobsOptions, Queue } from "bullmq";
import type { QueuedJob, QueuedJobs, WorkKind, WorkPayloads, WorkQueue } from "../conversation/work-queue.js";
import type { LineEntry } from "../store/thread-line.js";
import type { TurnJobData, UploadJobData } from "./payloads.js";
import { JOB_RETENTION, jobIdFor, type Queues } from "./queues.js";

const DAY_SECONDS = 24 * 3600;

// Finished thread work and commands are kept a day (count-capped), so that a platform's replay of the
// same event finds its job and adds nothing.
const KEPT_FOR_REPLAYS = {
  removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
  removeOnFail: { age: 7 * DAY_SECONDS },
} as const;

/** Tried `attempts` times, with exponential back-off from `firstDelayMs`. */
function retried(attempts: number, firstDelayMs: number, retention: JobsOptions): JobsOptions {
  return { attempts, backoff: { type: "exponential", delay: firstDelayMs }, ...retention };
}

const LINE_JOB_OPTIONS = retried(3, 5_000, KEPT_FOR_REPLAYS);

const QUEUE_OF = { turn: "turn", upload: "upload", command: "command", export: "export" } as const;

const OPTIONS_OF: Record<WorkKind, JobsOptions> = {
  turn: LINE_JOB_OPTIONS,
  upload: LINE_JOB_OPTIONS,
  command: retried(5, 1_000, KEPT_FOR_REPLAYS),
  export: retried(3, 5_000, JOB_RETENTION),
};

type WorkQueues = Pick<Queues, (typeof QUEUE_OF)[WorkKind]>;

/** The conversation's work queue and line reads over BullMQ: job ids made from event ids. */
export class BullWorkQueue implements WorkQueue, QueuedJobs {
  constructor(private readonly queues: WorkQueues) {}

  entryFor(kind: WorkKind, eventId: string): LineEntry {
    const { name } = this.queues[QUEUE_OF[kind]];
    return { queue: name, jobId: jobIdFor(name, eventId) };
  }

  async add<K extends WorkKind>(kind: K, eventId: string, work: WorkPayloads[K]): Promise<void> {
    // BullMQ's generic add() signature cannot be narrowed from the kind here.
    const queue = this.queues[QUEUE_OF[kind]] as Queue;
    await queue.add(queue.name, work, { ...OPTIONS_OF[kind], jobId: jobIdFor(queue.name, eventId) });
  }

  async pending(kind: WorkKind, jobId: string): Promise<boolean> {
    const job = await this.queues[QUEUE_OF[kind]].getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return state !== "completed" && state !== "failed" && state !== "unknown";
  }

  isTurn(entry: LineEntry): boolean {
    return entry.queue === this.queues.turn.name;
  }

  async find(entry: LineEntry): Promise<QueuedJob | undefined> {
    const { turn, upload } = this.queues;
    const job =
      entry.queue === turn.name
        ? await turn.getJob(entry.jobId)
        : entry.queue === upload.name
          ? await upload.getJob(entry.jobId)
          : undefined;
    return job ? queuedJob(job) : undefined;
  }
}

function queuedJob(job: Job<TurnJobData> | Job<UploadJobData>): QueuedJob {
  return {
    refKey: job.data.refKey,
    userId: job.data.userId,
    since: job.processedOn ?? job.timestamp,
    remove: () => job.remove().catch(() => undefined),
  };
}
