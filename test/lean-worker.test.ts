import { randomUUID } from "node:crypto";
import { Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeanWorker } from "../src/jobs/lean-worker.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const closing: { close(): Promise<unknown> }[] = [];
let connection: Redis | undefined;

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const closable of closing.splice(0).reverse()) await closable.close();
  connection?.disconnect();
});

function setUp() {
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const options = { connection, prefix: `{lw${randomUUID().slice(0, 8)}}` };
  const queue = new Queue("q", options);
  closing.push(queue);
  return { options, queue };
}

describe("LeanWorker", () => {
  it("fetches the next job in a finished job's completion step only while it is full", async () => {
    const { options, queue } = setUp();
    const fetchNext: boolean[] = [];
    const moveToCompleted = Job.prototype.moveToCompleted;
    vi.spyOn(Job.prototype, "moveToCompleted").mockImplementation(function (this: Job, ...args) {
      fetchNext.push(args[2] ?? true);
      return moveToCompleted.apply(this, args);
    });
    const roomy = new LeanWorker("q", async () => "done", { ...options, concurrency: 3 });
    closing.push(roomy);
    await queue.add("q", {});
    await eventually(() => fetchNext.length === 1, 10_000, "the first job to complete");
    expect(fetchNext).toEqual([false]);
    await roomy.close();
    const full = new LeanWorker("q", async () => "done", { ...options, concurrency: 1 });
    closing.push(full);
    await queue.add("q", {});
    await eventually(() => fetchNext.length === 2, 10_000, "the second job to complete");
    expect(fetchNext).toEqual([false, true]);
  });

  it("counts what it could take before the fetches that usually find nothing", async () => {
    const { options, queue } = setUp();
    const lean = new LeanWorker("q", async () => "done", { ...options, autorun: false });
    closing.push({ close: () => lean.close(true) });
    const fetchSteps = vi.spyOn(lean.scripts, "moveToActive");
    vi.useFakeTimers({ toFake: ["Date"] }); // "right after" is in Date.now() time
    const fetch = async (token: string) => (await lean.getNextJob(token, { block: false }))?.id;
    expect(await fetch("t1")).toBeUndefined();
    // Right after an empty fetch: counted first, no fetch step.
    expect(await fetch("t2")).toBeUndefined();
    expect(fetchSteps).toHaveBeenCalledTimes(1);
    const lone = await queue.add("q", {});
    expect(await fetch("t3")).toBe(lone.id);
    // A woken worker's second fetch: counted first (a lone job left nothing).
    expect(await fetch("t4")).toBeUndefined();
    expect(fetchSteps).toHaveBeenCalledTimes(2);
    const burst = [await queue.add("q", {}), await queue.add("q", {})];
    vi.setSystemTime(Date.now() + 60_000);
    expect(await fetch("t5")).toBe(burst[0]!.id);
    expect(await fetch("t6")).toBe(burst[1]!.id);
    // In a burst: after a job that followed a job, BullMQ's step at once (here it finds nothing).
    expect(await fetch("t7")).toBeUndefined();
    expect(fetchSteps).toHaveBeenCalledTimes(5);
    // Long after an empty fetch: BullMQ's step at once.
    vi.setSystemTime(Date.now() + 60_000);
    expect(await fetch("t8")).toBeUndefined();
    expect(fetchSteps).toHaveBeenCalledTimes(6);
  });

  it("runs no stalled-job step on a queue with no active job, and still retakes a dead worker's job", async () => {
    const { options, queue } = setUp();
    const lean = new LeanWorker("q", async () => "done", { ...options, autorun: false });
    closing.push(lean);
    const stalledCheckKey = lean.keys["stalled-check"]!;
    expect(await lean.scripts.moveStalledJobsToWait()).toEqual([]);
    // BullMQ's step would have claimed this check (the key every worker's check looks at first).
    expect(await connection!.exists(stalledCheckKey)).toBe(0);
    // A worker that takes a job and "dies": it never renews the lock nor finishes the job.
    const dead = new Worker("q", null, { ...options, lockDuration: 300 });
    closing.push({ close: () => dead.close(true) });
    const job = await queue.add("q", {});
    expect(await dead.getNextJob("dead-token")).toBeDefined();
    // Each step first waits out the previous one's claim, as each worker's timer does.
    let retaken: string[] = [];
    for (const deadline = Date.now() + 10_000; retaken.length === 0 && Date.now() < deadline; ) {
      await connection!.del(stalledCheckKey);
      retaken = await lean.scripts.moveStalledJobsToWait();
      if (retaken.length === 0) await new Promise((resolve) => setTimeout(resolve, 50)); // polling, bounded
    }
    expect(retaken).toEqual([job.id]);
    expect(await queue.getWaitingCount()).toBe(1);
  });
});
