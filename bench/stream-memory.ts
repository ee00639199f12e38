/**
 * `npm run bench:memory [-- <streams> [--snapshots <dir>]]`: what one open stream costs a worker. One
 * worker process (TURN_CONCURRENCY = streams) holds `streams` (default 1000) generations open against
 * the simulator (each streams for 10 minutes, a heartbeat every 2 s); prints the worker's RSS, and its
 * JS heap after a full GC (from a heap snapshot), with no stream and with all of them open, per stream.
 * With `--snapshots`, the two heap snapshots are kept in `<dir>` (diff them with
 * `node dist-bench/bench/heap-diff.js <before> <after>`).
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAdmin, openRedis } from "./redis.js";
import { generationSim, MESSAGE, startStack } from "./stack.js";

const args = process.argv.slice(2);
const keepAt = args.indexOf("--snapshots");
const keepDir = keepAt >= 0 ? args.splice(keepAt, 2)[1] : undefined;
const streams = Number(args[0] ?? 1_000);
const dir = keepDir ?? (await mkdtemp(join(tmpdir(), "nemo-heap-")));

/** What the worker's memory is made of (prom-client's default metrics), before and after. */
const MEMORY_METRICS = [
  "nemo_nodejs_heap_size_total_bytes",
  "nemo_nodejs_heap_size_used_bytes",
  "nemo_nodejs_external_memory_bytes",
  'nemo_nodejs_heap_space_size_total_bytes{space="new"}',
  'nemo_nodejs_heap_space_size_total_bytes{space="old"}',
  'nemo_nodejs_heap_space_size_total_bytes{space="code"}',
  'nemo_nodejs_heap_space_size_used_bytes{space="old"}',
  "nemo_nodejs_active_handles_total",
];

const redis = await openRedis();
const admin = openAdmin(redis);
const stack = await startStack(redis, admin, {
  sim: { ...generationSim(600_000), heartbeatIntervalMs: 2_000 },
  overrides: {
    TURN_CONCURRENCY: String(streams),
    NEMO_MAX_CONNECTIONS: String(streams + 200),
    ...(process.env.BENCH_WORKER_ENV ? JSON.parse(process.env.BENCH_WORKER_ENV) : {}),
  },
  workerNodeArgs: ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${dir}`],
  name: "memory",
});
const worker = stack.workers[0]!;

/** Signals the worker to write a heap snapshot (after a full GC) and resolves with its file. */
async function snapshot(): Promise<string> {
  const before = new Set(await readdir(dir));
  process.kill(worker.pid, "SIGUSR2");
  const deadline = Date.now() + 300_000;
  for (let size = -1; ; ) {
    if (Date.now() > deadline) throw new Error("no heap snapshot written within 5 minutes");
    await new Promise((resolve) => setTimeout(resolve, 500)); // polling the file until it stops growing
    const file = (await readdir(dir)).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (!file) continue;
    const now = (await stat(join(dir, file))).size;
    if (now === size && now > 0) return join(dir, file);
    size = now;
  }
}

/** Waits until `count` streams are open at the simulator and the bot's writes settled. */
async function open(count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const runSse = await stack.sim.runSse();
    if (runSse.filter((run) => run.endedAt === undefined).length >= count) break;
    if (Date.now() > deadline) throw new Error(`${count} streams not open within 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // A measurement's settling time, not a synchronisation: the burst's acknowledgements and first
  // progress edits are done well within it, so the RSS read after it is the streams' steady state.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
}

try {
  const first = await stack.sender.mention("hello");
  await stack.sink.until(() => stack.sink.answeredAt.has(first.thread), 60_000, "warm-up answer");
  const idleRss = worker.rss();
  const idleMemory = await worker.metrics();
  // A snapshot's serializer leaves its memory to the process: RSS after it would count it too.
  const idleHeap = keepDir ? await snapshot() : undefined;
  let peakRss = idleRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, worker.rss());
  }, 100);
  await Promise.all(Array.from({ length: streams }, (_, i) => stack.sender.mention(`${MESSAGE} (${i + 1})`)));
  await open(streams);
  clearInterval(sampler);
  const busyRss = worker.rss();
  const busyMemory = await worker.metrics();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const perStream = (was: number, now: number) => kb((now - was) / streams);
  console.log(
    `${streams} streams open in one worker${idleHeap ? " (RSS after a heap snapshot: inflated)" : ""}`,
  );
  console.log(
    `RSS: idle ${kb(idleRss)}, peak ${kb(peakRss)}, open ${kb(busyRss)} → per stream: peak ${perStream(idleRss, peakRss)}, open ${perStream(idleRss, busyRss)}`,
  );
  const busyHeap = idleHeap ? await snapshot() : undefined;
  const afterGc = busyHeap ? await worker.metrics() : undefined;
  for (const name of MEMORY_METRICS) {
    const [was, now] = [idleMemory.get(name) ?? 0, busyMemory.get(name) ?? 0];
    const collected = afterGc ? ` (after a full GC: ${perStream(was, afterGc.get(name) ?? 0)})` : "";
    console.log(`${name}: ${kb(was)} → ${kb(now)}: ${perStream(was, now)} per stream${collected}`);
  }
  if (idleHeap && busyHeap) console.log(`heap snapshots: ${idleHeap} ${busyHeap}`);
} finally {
  await stack.stop();
  admin.disconnect();
  await redis.stop();
  if (!keepDir) await rm(dir, { recursive: true, force: true });
}
