/**
 * `npm run bench -- --workers 1,2,4 [--quick] [--turns N] [--per-worker C]`: horizontal scaling. For each
 * worker count W: one gateway and W worker processes (`nemo-video-bot start --role …`, each with its own
 * `ADMIN_PORT=0`), the simulator in its own process with realistic stream times, N conversations sent as
 * signed Slack events at once. Each worker runs at most C turns at a time (`TURN_CONCURRENCY=C`, printed),
 * so the run measures capacity: N turns need N÷(W·C) waves of one stream time when nothing else limits.
 * Prints completed turns per second, end-to-end p50/p99, Redis commands/s (summed over every master on
 * a cluster) and the CPU each kind of process used; then the 1→max scaling factor.
 */

import type { RedisClient } from "../src/redis/connect.js";
import { BENCH_QUOTAS } from "./bot-env.js";
import { cpuTicks, TICKS_PER_SECOND } from "./process-cpu.js";
import { type BenchRedis, callsDelta, commandCalls, totalCalls } from "./redis.js";
import type { SlackEventSender } from "./slack-events.js";
import { generationSim, MESSAGE, startStack } from "./stack.js";
import { fmt, percentile, table } from "./stats.js";

export interface ScalingOptions {
  workers: number[];
  streamMs: number;
  turns: number;
  perWorker: number;
}

interface Row {
  workers: number;
  turnsPerSecond: number;
  p50: number;
  p99: number;
  redisPerSecond: number;
  gatewayCpu: number;
  workerCpu: number;
  simCpu: number;
  seconds: number;
  /** End-to-end time of one turn alone (after the warm-up): the length of one "wave". */
  singleMs: number;
  /** Events the gateway refused (not queued in time) and the sender sent again, as Slack would. */
  refused: number;
}

/** Parses `--workers 1,2,4`, `--turns N`, `--per-worker C`; undefined without `--workers`. */
export function scalingOptions(
  argv: readonly string[],
  streamMs: number,
  quick: boolean,
): ScalingOptions | undefined {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const workers = value("--workers");
  if (workers === undefined) return undefined;
  const counts = workers.split(",").map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64))
    throw new Error(`--workers takes a list of worker counts, e.g. 1,2,4 (got ${workers})`);
  return {
    workers: counts,
    streamMs,
    turns: Number(value("--turns") ?? (quick ? 100 : 200)),
    perWorker: Number(value("--per-worker") ?? 25),
  };
}

export async function runScaling(
  redis: BenchRedis,
  admin: RedisClient,
  options: ScalingOptions,
): Promise<void> {
  console.log(
    `bench scaling: ${options.turns} conversations at once, streams ${options.streamMs} ms, TURN_CONCURRENCY=${options.perWorker} per worker, ` +
      `worker counts ${options.workers.join(", ")}; redis ${redis.private ? "private redis-server" : "REDIS_URL"}; ` +
      `quotas on: ${Object.entries(BENCH_QUOTAS)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
  );
  const rows: Row[] = [];
  for (const workers of options.workers) {
    console.log(`bench scaling: ${workers} worker process(es)…`);
    const row = await oneRun(redis, admin, workers, options);
    rows.push(row);
    console.log(
      `bench scaling: ${workers} workers → ${fmt(row.turnsPerSecond, 1)} turns/s, e2e p50/p99 ${fmt(row.p50)} / ${fmt(row.p99)} ms, ` +
        `Redis ${fmt(row.redisPerSecond)} commands/s`,
    );
  }
  const waves = (w: number) => Math.ceil(options.turns / (w * options.perWorker));
  console.log("");
  console.log(
    table(
      [
        "workers",
        "turns/s",
        "ideal turns/s",
        "e2e p50 ms",
        "e2e p99 ms",
        "one turn alone ms",
        "Redis cmd/s",
        "CPU gw / workers / sim",
        "refused",
      ],
      rows.map((row) => [
        String(row.workers),
        fmt(row.turnsPerSecond, 1),
        fmt(options.turns / ((waves(row.workers) * row.singleMs) / 1000), 1),
        fmt(row.p50),
        fmt(row.p99),
        fmt(row.singleMs),
        fmt(row.redisPerSecond),
        `${fmt(row.gatewayCpu * 100)}% / ${fmt(row.workerCpu * 100)}% / ${fmt(row.simCpu * 100)}%`,
        String(row.refused),
      ]),
    ),
  );
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last && last !== first) {
    console.log(
      `\nScaling ${first.workers}→${last.workers} workers: ×${fmt(last.turnsPerSecond / first.turnsPerSecond, 2)} turns/s ` +
        `(ideal ×${fmt(waves(first.workers) / waves(last.workers), 2)} from the slot count alone).`,
    );
  }
  console.log(
    [
      "Notes:",
      "  - turns/s = conversations ÷ (first event sent → last answer received at the Slack sink).",
      "  - refused = events the gateway could not queue within its 2 s bound (HTTP error), sent again after 1 s as Slack re-delivers.",
      "  - ideal = what the slots allow: ⌈N ÷ (W·C)⌉ waves, each as long as one turn alone (measured in the same run).",
      "  - CPU = share of one core over the run (100% = one core busy), from /proc: gateway, all workers, simulator.",
      "  - Redis cmd/s = INFO commandstats delta over the run (Lua-internal commands included) ÷ its seconds.",
      "  - This machine's cores are shared with other processes (other agents' test runs): compare rows of one run.",
    ].join("\n"),
  );
}

/**
 * A mention sent again after 1 s while the gateway refuses it (an event it could not queue within its
 * bounded wait), as Slack re-delivers; timed from the first attempt. A new event each time: a refused one
 * was not queued.
 */
async function sendUntilAccepted(sender: SlackEventSender) {
  let refused = 0;
  let firstSentAt: number | undefined;
  for (;;) {
    const attempt = await sender.mention(MESSAGE);
    firstSentAt ??= attempt.sentAt;
    if (attempt.status === 200) return { ...attempt, sentAt: firstSentAt, refused };
    refused++;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // Slack's retry back-off (shortened)
  }
}

async function oneRun(
  redis: BenchRedis,
  admin: RedisClient,
  workers: number,
  options: ScalingOptions,
): Promise<Row> {
  const { sim, sink, sender, processes, stop } = await startStack(redis, admin, {
    sim: generationSim(options.streamMs),
    workers,
    overrides: { TURN_CONCURRENCY: String(options.perWorker) },
    name: "scale",
  });
  try {
    // Warm-up: JIT, connections, the anonymous token and BullMQ's scripts, in each worker.
    const warm = await Promise.all(Array.from({ length: workers }, () => sender.mention("hello")));
    await sink.until(() => warm.every((s) => sink.answeredAt.has(s.thread)), 60_000, "warm-up answers");
    const single = await sender.mention(MESSAGE);
    await sink.until(
      () => sink.answeredAt.has(single.thread),
      options.streamMs * 4 + 60_000,
      "one turn alone",
    );
    const singleMs = sink.answeredAt.get(single.thread)! - single.sentAt;

    const before = await commandCalls(admin);
    const cpuBefore = processes.map((p) => cpuTicks(p.pid));
    const simBefore = cpuTicks(sim.pid);
    const started = performance.now();
    const sent = await Promise.all(Array.from({ length: options.turns }, () => sendUntilAccepted(sender)));
    const refused = sent.reduce((sum, s) => sum + s.refused, 0);
    const waves = Math.ceil(options.turns / (workers * options.perWorker));
    await sink.until(
      () => sent.every((s) => sink.answeredAt.has(s.thread)),
      waves * options.streamMs * 4 + 120_000,
      `${options.turns} answers`,
    );
    const seconds = (Math.max(...sent.map((s) => sink.answeredAt.get(s.thread)!)) - started) / 1000;
    const calls = totalCalls(callsDelta(before, await commandCalls(admin)));
    const cpu = processes.map(
      (p, index) => (cpuTicks(p.pid) - cpuBefore[index]!) / TICKS_PER_SECOND / seconds,
    );
    const e2e = sent.map((s) => sink.answeredAt.get(s.thread)! - s.sentAt);
    return {
      workers,
      turnsPerSecond: options.turns / seconds,
      p50: percentile(e2e, 0.5),
      p99: percentile(e2e, 0.99),
      redisPerSecond: calls / seconds,
      gatewayCpu: cpu[0]!,
      workerCpu: cpu.slice(1).reduce((sum, share) => sum + share, 0),
      simCpu: (cpuTicks(sim.pid) - simBefore) / TICKS_PER_SECOND / seconds,
      seconds,
      singleMs,
      refused,
    };
  } finally {
    await stop();
  }
}
