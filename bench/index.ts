/**
 * `npm run bench`: N concurrent conversations (one thread, one message each) through the gateway and
 * one worker process, against the NemoVideo simulator with a fixed stream time. Prints figures, asserts
 * nothing. Env: REDIS_URL (else a private redis-server), BENCH_LEVELS (default "1,100,1000"),
 * BENCH_STREAM_MS (default 2000), BENCH_HEARTBEAT_MS (default 500).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { MemoryStore } from "../src/core/kv-store.js";
import { silentLogger } from "../src/core/logger.js";
import { NemoClient } from "../src/core/nemo/client.js";
import { QUEUE } from "../src/jobs/payloads.js";
import type { Timings } from "../src/jobs/timings.js";
import type { SimulatorOptions } from "../src/simulator/index.js";
import { BenchMessenger, type ThreadTimes } from "./bench-messenger.js";
import { type BenchRedis, callsDelta, commandCalls, deletePrefix, openRedis } from "./redis.js";
import { type SimulatorProcess, startSimulatorProcess } from "./simulator.js";
import { fmt, kib, median, mib, percentile, RssSampler, table } from "./stats.js";

const env = process.env;
const LEVELS = (env.BENCH_LEVELS ?? "1,100,1000")
  .split(",")
  .map((level) => Number(level.trim()))
  .filter((level) => Number.isInteger(level) && level > 0);
const STREAM_MS = Number(env.BENCH_STREAM_MS ?? 2000);
const HEARTBEAT_MS = Number(env.BENCH_HEARTBEAT_MS ?? 500);
/** A generation: tool call, `generationMs` of work (keep-alives), tool result, text, a short edit, text. */
const MESSAGE = "generate a video of a city timelapse at night";
const TURN_CONCURRENCY = 1000;
/** Pooled backend connections (`NEMO_MAX_CONNECTIONS`): one per running stream, so enough for the top level. */
const CLIENT_CONNECTIONS = Number(env.NEMO_MAX_CONNECTIONS ?? 1100);

const SIM_OPTIONS: SimulatorOptions = {
  generationMs: STREAM_MS,
  editMs: 20,
  heartbeatIntervalMs: HEARTBEAT_MS,
  credits: 1_000_000_000,
  generationCost: 10,
};

/** The test fixture's fast timings, with a realistic edit throttle and production lock/stall settings. */
const TIMINGS: Partial<Timings> = {
  stillWorkingMs: 60_000,
  editThrottleMs: 250,
  recoveryDelaysMs: [100, 200, 300],
  renderPollMs: 30,
  renderTimeoutMs: 10_000,
  lineRecheckMs: 2_000,
  lockDurationMs: 60_000,
  stalledIntervalMs: 30_000,
  shutdownGraceMs: 2_000,
  deliverAttempts: 5,
  deliverBackoffMs: 50,
};

interface LevelResult {
  conversations: number;
  answered: number;
  errors: number;
  missing: number;
  ackMs: number[];
  turnMs: number[];
  baselineRss: number;
  peakRss: number;
  redisCalls: Map<string, number>;
  turnsSettled: number;
  wallMs: number;
  /** The same number of streams opened straight with a NemoClient (no bot), each stream's time. */
  rawMs: number[];
}

const gc = (): void => globalThis.gc?.();

async function main(): Promise<void> {
  if (LEVELS.length === 0) throw new Error("BENCH_LEVELS has no positive integer");
  const redis = await openRedis();
  let sim: SimulatorProcess | undefined;
  const admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  admin.on("error", () => undefined);
  try {
    sim = await startSimulatorProcess(SIM_OPTIONS);
    console.log(
      `bench: simulator ${sim.url} (own process), redis ${redis.private ? "private redis-server" : "REDIS_URL"}, ` +
        `levels ${LEVELS.join(", ")}${globalThis.gc ? "" : " (no --expose-gc: RSS baselines are noisier)"}`,
    );
    const streamRuns = await streamTimes(sim.url, 3);
    const streamMs = median(streamRuns);
    console.log(
      `bench: simulator stream time, one direct client.sendMessage at a time: ${streamRuns.map((ms) => fmt(ms)).join(", ")} ms → median ${fmt(streamMs)} ms`,
    );
    // Warm-up (JIT, connections, BullMQ scripts loaded in Redis); not reported.
    await runLevel(1, sim.url, redis, admin, false);
    const results: LevelResult[] = [];
    for (const conversations of LEVELS) {
      console.log(`bench: ${conversations} concurrent conversation(s)…`);
      results.push(await runLevel(conversations, sim.url, redis, admin, true));
    }
    report(results, streamMs, redis);
  } finally {
    admin.disconnect();
    await sim?.stop();
    await redis.stop();
  }
}

/** The simulator's own stream time: one `sendMessage` read to its end, without the bot (first run dropped). */
async function streamTimes(url: string, runs: number): Promise<number[]> {
  const client = directClient(url);
  try {
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const { sessionId } = await client.createSession({ platform: "console" }, "en");
      const started = performance.now();
      for await (const _event of client.sendMessage({ platform: "console" }, sessionId, MESSAGE)) {
        // read to the end
      }
      if (run > 0) times.push(performance.now() - started);
    }
    return times;
  } finally {
    await client.close();
  }
}

/** `count` streams at once, straight from a NemoClient (same pool as the bot's): each stream's time. */
async function rawStreams(url: string, count: number): Promise<number[]> {
  const client = directClient(url);
  try {
    const ctx = { platform: "console" } as const;
    const sessions = await Promise.all(Array.from({ length: count }, () => client.createSession(ctx, "en")));
    return await Promise.all(
      sessions.map(async ({ sessionId }) => {
        const started = performance.now();
        for await (const _event of client.sendMessage(ctx, sessionId, MESSAGE)) {
          // read to the end
        }
        return performance.now() - started;
      }),
    );
  } finally {
    await client.close();
  }
}

function directClient(url: string): NemoClient {
  return new NemoClient({
    apiUrl: url,
    webUrl: "https://web.example",
    store: new MemoryStore(),
    logger: silentLogger(),
    connections: CLIENT_CONNECTIONS,
  });
}

async function runLevel(
  conversations: number,
  simUrl: string,
  redis: BenchRedis,
  admin: Redis,
  withRaw: boolean,
): Promise<LevelResult> {
  const prefix = `bench${randomBytes(4).toString("hex")}`;
  const messenger = new BenchMessenger();
  const config = loadConfig({
    NEMO_API_URL: simUrl,
    NEMO_WEB_URL: "https://web.example",
    REDIS_URL: redis.url,
    LOG_LEVEL: "silent",
    NEMO_MAX_CONNECTIONS: String(CLIENT_CONNECTIONS),
    TURN_CONCURRENCY: String(TURN_CONCURRENCY),
  });
  const runtime = await Runtime.create({
    config,
    logger: silentLogger(),
    messengers: { console: messenger },
    prefix,
    timings: TIMINGS,
  });
  let closed = false;
  try {
    const running = runtime.startWorkers({ turn: TURN_CONCURRENCY });
    await Promise.all(running.workers.map((worker) => worker.waitUntilReady()));
    const turnWorker = running.workers.find((worker) => worker.name === QUEUE.turn);
    if (!turnWorker) throw new Error("no turn worker");
    // A running bot holds its anonymous token already (kept in Redis for days): fetch it before measuring.
    await runtime.services.client.credits({ platform: "console" });

    let turnsSettled = 0;
    let allSettled!: () => void;
    const settled = new Promise<void>((resolve) => {
      allSettled = resolve;
    });
    const onSettled = () => {
      if (++turnsSettled === conversations) allSettled();
    };
    turnWorker.on("completed", onSettled);
    turnWorker.on("failed", (job: Job | undefined) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) onSettled();
    });

    const refs: ConversationRef[] = Array.from({ length: conversations }, (_, index) => ({
      platform: "console",
      workspace: "bench",
      channel: "bench",
      thread: `t${index}`,
    }));
    const inbounds: Inbound[] = refs.map((ref, index) => ({
      id: randomUUID(),
      ref,
      user: { id: `u${index}` },
      text: MESSAGE,
      attachments: [],
    }));
    const answers = refs.map((ref) => messenger.expect(ref));

    gc();
    const baselineRss = process.memoryUsage.rss();
    const before = await commandCalls(admin);
    const sampler = new RssSampler();
    const inAt: number[] = [];
    const levelStart = performance.now();
    const handled = inbounds.map((inbound) => {
      inAt.push(performance.now());
      return runtime.gateway.handle(inbound);
    });

    const timeoutMs = 60_000 + conversations * 60;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([
      Promise.all([Promise.all(handled), Promise.all(answers), settled]).then(() => "done" as const),
      timedOut,
    ]);
    clearTimeout(timer);
    const wallMs = performance.now() - levelStart;
    const after = await commandCalls(admin);
    const peakRss = sampler.stop();
    if (outcome === "timeout") console.log(`bench: level ${conversations} timed out after ${timeoutMs} ms`);

    const times: ThreadTimes[] = refs.map((ref) => messenger.times(ref));
    const ackMs: number[] = [];
    const turnMs: number[] = [];
    let errors = 0;
    let missing = 0;
    times.forEach((thread, index) => {
      const start = inAt[index] ?? Number.NaN;
      if (thread.ackAt !== undefined) ackMs.push(thread.ackAt - start);
      if (thread.finalAt === undefined) missing++;
      else if (thread.error !== undefined) errors++;
      else turnMs.push(thread.finalAt - start);
    });
    await runtime.close();
    closed = true;
    const rawMs = withRaw ? await rawStreams(simUrl, conversations) : [];
    return {
      conversations,
      answered: turnMs.length,
      errors,
      missing,
      ackMs,
      turnMs,
      baselineRss,
      peakRss,
      redisCalls: callsDelta(before, after),
      turnsSettled,
      wallMs,
      rawMs,
    };
  } finally {
    if (!closed) await runtime.close().catch(() => undefined);
    await deletePrefix(admin, prefix);
  }
}

function report(results: readonly LevelResult[], streamMs: number, redis: BenchRedis): void {
  const latency = results.map((result) => {
    const ratio = result.turnMs.map((ms) => ms / streamMs);
    const raw = result.rawMs.map((ms) => ms / streamMs);
    return [
      String(result.conversations),
      `${result.answered}/${result.conversations}`,
      fmt(percentile(result.ackMs, 0.5), 1),
      fmt(percentile(result.ackMs, 0.99), 1),
      fmt(percentile(result.turnMs, 0.5)),
      fmt(percentile(result.turnMs, 0.99)),
      fmt(percentile(ratio, 0.5), 3),
      fmt(percentile(ratio, 0.99), 3),
      fmt(percentile(raw, 0.5), 3),
      fmt(percentile(raw, 0.99), 3),
      fmt(result.wallMs / 1000, 1),
    ];
  });
  const resources = results.map((result) => {
    const totalCalls = [...result.redisCalls.values()].reduce((sum, calls) => sum + calls, 0);
    const scripts = (result.redisCalls.get("evalsha") ?? 0) + (result.redisCalls.get("eval") ?? 0);
    const turns = Math.max(1, result.turnsSettled);
    return [
      String(result.conversations),
      mib(result.baselineRss),
      mib(result.peakRss),
      kib((result.peakRss - result.baselineRss) / result.conversations),
      fmt(totalCalls / turns, 1),
      fmt(scripts / turns, 1),
    ];
  });
  console.log("");
  console.log(`Latency — simulator stream time (the denominator) ${fmt(streamMs)} ms per message`);
  console.log(
    table(
      [
        "convs",
        "answered",
        "ack p50 ms",
        "ack p99 ms",
        "turn p50 ms",
        "turn p99 ms",
        "turn÷stream p50",
        "turn÷stream p99",
        "raw÷stream p50",
        "raw÷stream p99",
        "wall s",
      ],
      latency,
    ),
  );
  console.log("");
  console.log("Resources — bench process (gateway + one worker process), Redis");
  console.log(
    table(
      ["convs", "base RSS MiB", "peak RSS MiB", "RSS/stream KiB", "redis cmds/turn", "scripts/turn"],
      resources,
    ),
  );
  console.log("");
  for (const result of results) {
    const turns = Math.max(1, result.turnsSettled);
    const top = [...result.redisCalls.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([command, calls]) => `${command} ${fmt(calls / turns, 1)}`)
      .join(", ");
    const problems =
      result.errors + result.missing > 0
        ? ` — ${result.errors} error replies, ${result.missing} without a final answer`
        : "";
    console.log(`  ${result.conversations} convs, top redis commands per turn: ${top}${problems}`);
  }
  const pooled = results.filter((result) => result.conversations > CLIENT_CONNECTIONS);
  const notes = [
    `ack = gateway.handle(inbound) called → the messenger's first post in that thread.`,
    `turn = gateway.handle called → the post/edit carrying the answer's text; turn÷stream = turn ÷ the simulator's own stream time (1.0 is the floor).`,
    `raw÷stream = the same number of /run_sse streams opened at once straight from a NemoClient (no bot, no Redis), ÷ the same stream time: what the HTTP client and simulator alone cost.`,
    `Message: "${MESSAGE}" (a generation: ${SIM_OPTIONS.generationMs} ms of work, ${SIM_OPTIONS.editMs} ms post-production, keep-alives every ${HEARTBEAT_MS} ms, agent dialect, chunked text). One bench process hosts the gateway and the workers (turn concurrency ${TURN_CONCURRENCY}); the simulator runs in a child process, so RSS is the bot's (plus the bench's own bookkeeping).`,
    `RSS/stream = (peak − baseline) ÷ concurrent conversations, sampled every 20 ms${globalThis.gc ? " after a forced GC" : ""}.`,
    `Redis commands = INFO commandstats delta over the level (until every turn job completed) ÷ turns; it counts commands run inside BullMQ's Lua scripts and the workers' idle polling during the level${redis.private ? "" : ", and any other client of REDIS_URL"}. scripts/turn = EVALSHA/EVAL calls.`,
    `Timings: editThrottleMs ${TIMINGS.editThrottleMs}, lockDurationMs ${TIMINGS.lockDurationMs}, stalledIntervalMs ${TIMINGS.stalledIntervalMs}; a fresh key prefix per level, its keys deleted afterwards.`,
  ];
  if (pooled.length > 0) {
    notes.push(
      `NemoClient pools ${CLIENT_CONNECTIONS} connections per origin (NEMO_MAX_CONNECTIONS). Each stream holds one connection, so at ${pooled.map((result) => result.conversations).join(", ")} conversations the streams queue in waves: turn times there include that wait (the floor is about ⌈N/${CLIENT_CONNECTIONS}⌉ × stream time; compare the raw÷stream columns).`,
    );
  }
  console.log("");
  console.log("Notes:");
  for (const note of notes) console.log(`  - ${note}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
