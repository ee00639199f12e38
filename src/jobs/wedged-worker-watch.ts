import type { Queue, Worker } from "bullmq";
import type { Logger } from "../core/logger.js";

/** How a watched worker is made anew: the same queue, processor and options, on fresh connections. */
export interface WatchedWorker {
  current: Worker;
  queue: Pick<Queue, "getWaitingCount">;
  concurrency: number;
  renew: () => Worker;
}

/**
 * BullMQ's fetch loop can wedge after a Redis Cluster master restarts mid-job (upstream
 * taskforcesh/bullmq#3088): the worker reports running, emits nothing, and its queue's jobs wait
 * forever. Every `checkMs`, a worker with a free slot that has started no job while its queue kept
 * waiting jobs for `stuckAfterMs` is replaced by a new one (the old one is closed in the background;
 * a turn it still ran is recovered from its sent marker by the stalled-job check).
 */
export function watchForWedgedWorkers(
  watched: WatchedWorker[],
  options: { checkMs: number; stuckAfterMs: number; logger: Logger; onRenewed: (worker: Worker) => void },
): () => void {
  const state = watched.map((entry) => track(entry));
  const timer = setInterval(() => {
    for (const [index, entry] of watched.entries()) {
      void check(entry, state[index]!, options).catch((error: unknown) =>
        options.logger.debug({ err: String(error) }, "wedged-worker-check-failed"),
      );
    }
  }, options.checkMs);
  timer.unref();
  return () => clearInterval(timer);
}

interface Tracked {
  running: number;
  lastStarted: number;
  waitingSince: number | undefined;
}

function track(
  entry: WatchedWorker,
  tracked: Tracked = { running: 0, lastStarted: Date.now(), waitingSince: undefined },
): Tracked {
  entry.current.on("active", () => {
    tracked.running++;
    tracked.lastStarted = Date.now();
  });
  const done = () => {
    tracked.running = Math.max(0, tracked.running - 1);
  };
  entry.current.on("completed", done);
  entry.current.on("failed", done);
  return tracked;
}

async function check(
  entry: WatchedWorker,
  tracked: Tracked,
  options: { checkMs: number; stuckAfterMs: number; logger: Logger; onRenewed: (worker: Worker) => void },
): Promise<void> {
  const { current } = entry;
  const now = Date.now();
  const busy = current.closing !== undefined || current.isPaused() || tracked.running >= entry.concurrency;
  // A worker that started a job since the last check is alive: no Redis read for it.
  const startedLately = now - tracked.lastStarted < options.checkMs;
  if (busy || startedLately || (await entry.queue.getWaitingCount()) === 0) {
    tracked.waitingSince = undefined;
    return;
  }
  // Jobs wait: fine while this worker keeps starting some.
  if (tracked.waitingSince === undefined || tracked.lastStarted > tracked.waitingSince) {
    tracked.waitingSince = now;
    return;
  }
  if (now - tracked.waitingSince < options.stuckAfterMs) return;
  options.logger.warn(
    { queue: current.name, waitingForMs: now - tracked.waitingSince },
    "worker-wedged-renewed",
  );
  entry.current = entry.renew();
  Object.assign(tracked, { running: 0, lastStarted: now, waitingSince: undefined });
  track(entry, tracked);
  options.onRenewed(entry.current);
  void current.close(true).catch(() => undefined);
}
