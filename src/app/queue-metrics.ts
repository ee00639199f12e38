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
  const snapshot = cachedRead(() => readQueues(queues), cacheMs, timeoutMs);
  /** A gauge per queue and state whose value `pick` reads from the snapshot. */
  const stateGauge = (name: string, help: string, pick: (read: QueueSnapshot, state: State) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["queue", "state"],
      registers: [registry],
      async collect() {
        const read = await snapshot().catch(() => undefined);
        this.reset();
        for (const [queue, one] of read ?? [])
          for (const state of STATES) this.set({ queue, state }, pick(one, state));
      },
    });
  stateGauge(
    "nemo_queue_jobs",
    "Jobs per queue and state (waiting, delayed, active, failed)",
    (read, state) => read.counts[state],
  );
  stateGauge(
    "nemo_queue_oldest_job_age_seconds",
    "Age of the oldest job per queue and state (0 when empty); active: since it started, failed: since it failed",
    (read, state) => read.ages[state] ?? 0,
  );
}

/**
 * One read serves every call within `cacheMs`; a read that does not answer within `timeoutMs` rejects,
 * and a failed read is not cached (the next call tries again).
 */
function cachedRead<T>(read: () => Promise<T>, cacheMs: number, timeoutMs: number): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      const value = Promise.race([
        read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("queue metrics: Redis did not answer")), timeoutMs).unref(),
        ),
      ]);
      cached = { at: Date.now(), value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
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
