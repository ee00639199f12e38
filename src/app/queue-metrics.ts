import type { Job, Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";

const STATES = ["waiting", "delayed", "active", "failed"] as const;
type State = (typeof STATES)[number];

interface QueueSnapshot {
  counts: Record<State, number>;
  /** Seconds since the oldest job of each state got there (absent when the state is empty). */
  ages: Partial<Record<State, number>>;
}

/** When the oldest job of a state got into it: created, started, or failed. */
function since(job: Job, state: State): number | undefined {
  if (state === "active") return job.processedOn ?? job.timestamp;
  if (state === "failed") return job.finishedOn ?? job.timestamp;
  return job.timestamp;
}

/**
 * Queue depths and the age of each state's oldest job, read from Redis when Prometheus scrapes; one
 * read serves every scrape within `cacheMs`, so several scrapers (or a fast one) cost Redis little.
 * While Redis does not answer (within `timeoutMs`), the queue series are left out and the rest of the
 * process's metrics are still served.
 */
export function registerQueueMetrics(
  registry: Registry,
  queues: Queue[],
  cacheMs = 5_000,
  timeoutMs = 2_000,
): void {
  let cached: { at: number; snapshot: Promise<Map<string, QueueSnapshot>> } | undefined;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const read = Promise.race([
        readQueues(queues),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("queue metrics: Redis did not answer")), timeoutMs).unref(),
        ),
      ]);
      cached = { at: Date.now(), snapshot: read };
      // A failed read is not cached: the next scrape tries again.
      read.catch(() => {
        if (cached?.snapshot === read) cached = undefined;
      });
    }
    return cached.snapshot;
  };
  new Gauge({
    name: "nemo_queue_jobs",
    help: "Jobs per queue and state (waiting, delayed, active, failed)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const queues = await snapshot().catch(() => undefined);
      this.reset();
      for (const [queue, { counts }] of queues ?? [])
        for (const state of STATES) this.set({ queue, state }, counts[state]);
    },
  });
  new Gauge({
    name: "nemo_queue_oldest_job_age_seconds",
    help: "Age of the oldest job per queue and state (0 when empty); active: since it started, failed: since it failed",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const queues = await snapshot().catch(() => undefined);
      this.reset();
      for (const [queue, { ages }] of queues ?? [])
        for (const state of STATES) this.set({ queue, state }, ages[state] ?? 0);
    },
  });
}

async function readQueues(queues: Queue[]): Promise<Map<string, QueueSnapshot>> {
  const now = Date.now();
  const entries = await Promise.all(
    queues.map(async (queue): Promise<[string, QueueSnapshot]> => {
      const raw = await queue.getJobCounts(...STATES);
      const counts = Object.fromEntries(STATES.map((state) => [state, Number(raw[state] ?? 0)])) as Record<
        State,
        number
      >;
      const ages: Partial<Record<State, number>> = {};
      await Promise.all(
        STATES.filter((state) => counts[state] > 0).map(async (state) => {
          // Ascending: the tail of a list (oldest pushed), the lowest score of a set (delayed: next
          // due; failed: earliest failure).
          const [oldest] = await queue.getJobs([state], 0, 0, true);
          const at = oldest ? since(oldest, state) : undefined;
          if (at !== undefined) ages[state] = Math.max(0, (now - at) / 1000);
        }),
      );
      return [queue.name, { counts, ages }];
    }),
  );
  return new Map(entries);
}
