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

const LINE_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  ...KEPT_FOR_REPLAYS,
} as const;

const COMMAND_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  ...KEPT_FOR_REPLAYS,
} as const;

const EXPORT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  ...JOB_RETENTION,
} as const;

const QUEUE_OF = { turn: "turn", upload: "upload", command: "command", export: "render" } as const;

const OPTIONS_OF: Record<WorkKind, JobsOptions> = {
  turn: LINE_JOB_OPTIONS,
  upload: LINE_JOB_OPTIONS,
  command: COMMAND_JOB_OPTIONS,
  export: EXPORT_JOB_OPTIONS,
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
