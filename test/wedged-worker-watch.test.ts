import { EventEmitter } from "node:events";
import type { Worker } from "bullmq";
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../src/core/logger.js";
import { watchForWedgedWorkers } from "../src/jobs/wedged-worker-watch.js";

/** What the watch reads of a BullMQ worker: its events, `closing`, `isPaused()`, `close()`. */
class FakeWorker extends EventEmitter {
  closing: Promise<void> | undefined;
  closed = false;
  constructor(readonly name: string) {
    super();
  }
  isPaused(): boolean {
    return false;
  }
  close(): Promise<void> {
    this.closed = true;
    this.closing = Promise.resolve();
    return this.closing;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

function watch(waiting: () => number, concurrency = 2) {
  const first = new FakeWorker("turn");
  const renewed: FakeWorker[] = [];
  const stop = watchForWedgedWorkers(
    [
      {
        current: first as unknown as Worker,
        queue: { getWaitingCount: async () => waiting() },
        concurrency,
        renew: () => {
          const fresh = new FakeWorker("turn");
          renewed.push(fresh);
          return fresh as unknown as Worker;
        },
      },
    ],
    { checkMs: 1_000, stuckAfterMs: 5_000, logger: silentLogger(), onRenewed: () => undefined },
  );
  return { first, renewed, stop };
}

describe("wedged worker watch", () => {
  it("replaces a worker that starts nothing while jobs wait, once, and closes the old one", async () => {
    vi.useFakeTimers();
    const { first, renewed, stop } = watch(() => 3);
    await vi.advanceTimersByTimeAsync(5_500);
    expect(renewed).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(renewed).toHaveLength(1);
    expect(first.closed).toBe(true);
    // The fresh worker gets its own grace period.
    await vi.advanceTimersByTimeAsync(4_000);
    expect(renewed).toHaveLength(1);
    stop();
  });

  it("leaves alone a worker that keeps starting jobs, one with nothing waiting, and one that is full", async () => {
    vi.useFakeTimers();
    const busy = watch(() => 3);
    const idle = watch(() => 0);
    const full = watch(() => 3, 1);
    full.first.emit("active");
    for (let second = 0; second < 20; second++) {
      busy.first.emit("active");
      busy.first.emit("completed");
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect([busy.renewed, idle.renewed, full.renewed].map((list) => list.length)).toEqual([0, 0, 0]);
    for (const watched of [busy, idle, full]) watched.stop();
  });
});
