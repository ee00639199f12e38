/**
 * `npm run bench [-- --quick]`: the shipped bot measured as it is deployed — a gateway process and a
 * worker process started with `nemo-video-bot start --role …` and the default configuration, the
 * NemoVideo simulator in its own process, signed Slack events sent over HTTP, a Slack Web API sink.
 * Prints figures beside their targets (✓/✗); asserts nothing. Any configuration the bench sets beyond
 * the wiring (URLs, tokens, ports) is printed beside the figure it affects.
 * Env: REDIS_URL (else a private redis-server), BENCH_STREAM_MS (default 20000; --quick 2000).
 * `--workers 1,2,4` runs the horizontal-scaling scenario instead (bench/scaling.ts).
 */
import { MemoryStore } from "../src/core/kv-store.js";
import { silentLogger } from "../src/core/logger.js";
import { NemoClient } from "../src/core/nemo/client.js";
import type { RedisClient } from "../src/redis/connect.js";
import { BENCH_QUOTAS } from "./bot-env.js";
import { cpuMs } from "./process-cpu.js";
import {
  type BenchRedis,
  callsDelta,
  commandCalls,
  commandUsec,
  openAdmin,
  openRedis,
  redisCpuMs,
  totalCalls,
} from "./redis.js";
import { runScaling, scalingOptions } from "./scaling.js";
import { generationSim, MESSAGE, type Stack, startStack } from "./stack.js";
import { fmt, percentile, table } from "./stats.js";
import { burstBotTimes } from "./turn-times.js";

const QUICK = process.argv.includes("--quick");
const STREAM_MS = Number(process.env.BENCH_STREAM_MS ?? (QUICK ? 2_000 : 20_000));
const E2E_LEVELS = QUICK ? [100] : [100, 1_000];
const ACK_RATE = 100;
const ACK_SECONDS = QUICK ? 3 : 5;
const BURST = QUICK ? 300 : 1_000;
const RSS_LEVELS = QUICK ? [1_000] : [1_000, 5_000];
const RENDERS = QUICK ? 1_000 : 10_000;
const IDLE_MS = QUICK ? 10_000 : 30_000;

interface Figure {
  name: string;
  value: string;
  target: string;
  ok: boolean | undefined;
  note?: string;
}
const figures: Figure[] = [];
const figure = (f: Figure) => {
  figures.push(f);
  console.log(`bench: ${f.name} = ${f.value} (target ${f.target})${f.note ? ` [${f.note}]` : ""}`);
};

/**
 * Burst of `n` conversations: every ack, every end-to-end time, the bot's time before and after each
 * `/run_sse`, Redis commands and CPU, the gateway's CPU per event and the worker's RSS.
 */
async function conversations(
  redis: BenchRedis,
  admin: RedisClient,
  n: number,
  { overrides = {}, idleMs = 0 }: { overrides?: Record<string, string>; idleMs?: number } = {},
) {
  const stack = await startStack(redis, admin, { sim: generationSim(STREAM_MS), overrides });
  const worker = stack.workers[0]!;
  const gateway = stack.processes[0]!;
  try {
    await warmUp(stack);
    const idle = idleMs > 0 ? await idleCommandsPerSecond(admin, idleMs) : undefined;
    const baseline = worker.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, worker.rss());
    }, 100);
    const before = await commandCalls(admin);
    const [usecBefore, cpuBefore] = [await commandUsec(admin), await redisCpuMs(admin)];
    const gatewayBefore = cpuMs(gateway.pid);
    // A unique text per conversation (a generation each) finds its `/run_sse` at the simulator.
    const messages = Array.from({ length: n }, (_, i) => `${MESSAGE} (${i + 1})`);
    const sent = await Promise.all(messages.map((message) => stack.sender.mention(message)));
    const gatewayMsPerEvent = (cpuMs(gateway.pid) - gatewayBefore) / n;
    const complete = await stack.sink
      .until(
        () => sent.every((s) => stack.sink.answeredAt.has(s.thread)),
        STREAM_MS * 4 + n * 60 + 60_000,
        `${n} answers`,
      )
      .then(
        () => true,
        (error: unknown) => {
          console.log(String(error));
          return false;
        },
      );
    clearInterval(sampler);
    const calls = callsDelta(before, await commandCalls(admin));
    const redisUsec = (await commandUsec(admin)) - usecBefore;
    const redisCpu = (await redisCpuMs(admin)) - cpuBefore;
    const answered = sent.filter((s) => stack.sink.answeredAt.has(s.thread));
    const e2e = answered.map((s) => stack.sink.answeredAt.get(s.thread)! - s.sentAt);
    const bot = await burstBotTimes(stack, messages, sent);
    // The same number of streams straight to the same simulator, the bot idle meanwhile.
    const raw = await rawStreams(stack.sim.url, n);
    return {
      raw,
      ack: sent.map((s) => s.ackMs),
      refused: sent.filter((s) => s.status !== 200).length,
      retried: stack.sender.retries,
      unanswered: complete ? 0 : n - answered.length,
      e2e,
      bot,
      calls,
      redisUsec,
      redisCpu,
      gatewayMsPerEvent,
      idle,
      rssPerStream: (peak - baseline) / n,
    };
  } finally {
    await stack.stop();
  }
}

/** Redis commands per second while the warmed-up gateway and worker sit idle for `ms`. */
async function idleCommandsPerSecond(admin: RedisClient, ms: number) {
  const before = await commandCalls(admin);
  await new Promise((resolve) => setTimeout(resolve, ms)); // the measuring window itself
  const calls = callsDelta(before, await commandCalls(admin));
  return { perSecond: totalCalls(calls) / (ms / 1000), calls };
}

/**
 * A production bot runs for days: before a measured burst the bench has it answer
 * {@link WARM_UP_CONVERSATIONS} short conversations (text answers, in batches of 100) and take
 * {@link GATEWAY_WARM_UP} Slack re-deliveries of one of their events, so V8 has compiled the gateway's and
 * the worker's paths (a fresh gateway spends 3–4 times more CPU per event over its first thousand).
 */
const WARM_UP_CONVERSATIONS = 300;
const GATEWAY_WARM_UP = 1_000;
const WARM_UP_NOTE = `after ${WARM_UP_CONVERSATIONS} warm-up conversations and ${GATEWAY_WARM_UP} re-deliveries`;

/**
 * The warm-up conversations (JIT, connections, the anonymous token and BullMQ's scripts), then the
 * re-deliveries, which run the gateway's whole inbound path (verified, parsed, deduplicated, added again
 * as a no-op) and queue nothing.
 */
async function warmUp(stack: Stack): Promise<void> {
  let last: Awaited<ReturnType<Stack["sender"]["mention"]>> | undefined;
  for (let sent = 0; sent < WARM_UP_CONVERSATIONS; sent += 100) {
    const batch = await Promise.all(Array.from({ length: 100 }, () => stack.sender.mention("hello")));
    await stack.sink.until(
      () => batch.every((s) => stack.sink.answeredAt.has(s.thread)),
      60_000,
      "warm-up answers",
    );
    last = batch.at(-1);
  }
  if (last) await stack.sender.redeliver(last, GATEWAY_WARM_UP);
}

/** `count` streams opened at once straight from a NemoClient (no bot, no Redis): each stream's time. */
async function rawStreams(url: string, count: number): Promise<number[]> {
  const client = new NemoClient({
    apiUrl: url,
    webUrl: "https://web.example",
    store: new MemoryStore(),
    logger: silentLogger(),
    connections: count + 100,
  });
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

/** Acknowledgements at a fixed rate of short messages (`hello`: a text answer). */
async function ackAtRate(redis: BenchRedis, admin: RedisClient) {
  const stack = await startStack(redis, admin, { sim: generationSim(STREAM_MS) });
  try {
    await warmUp(stack);
    const total = ACK_RATE * ACK_SECONDS;
    const started = performance.now();
    const sends: Promise<{ thread: string; ackMs: number; status: number }>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / ACK_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // pacing, not synchronisation
      sends.push(stack.sender.mention("hello"));
    }
    const sent = await Promise.all(sends);
    await stack.sink.until(
      () => sent.every((s) => stack.sink.answeredAt.has(s.thread)),
      120_000,
      "rate answers",
    );
    return sent.map((s) => s.ackMs);
  } finally {
    await stack.stop();
  }
}

/** `count` exports waiting at the backend: Redis commands per second and worker slots they hold. */
async function waitingRenders(redis: BenchRedis, admin: RedisClient, count: number) {
  const stack = await startStack(redis, admin, { sim: { ...generationSim(50), heartbeatIntervalMs: 1_000 } });
  try {
    await warmUp(stack);
    const threads: string[] = [];
    for (let offset = 0; offset < count; offset += 1_000) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(1_000, count - offset) }, () => stack.sender.mention(MESSAGE)),
      );
      threads.push(...batch.map((s) => s.thread));
    }
    await stack.sink.until(() => threads.every((t) => stack.sink.answeredAt.has(t)), 600_000, "drafts");
    for (let offset = 0; offset < count; offset += 1_000) {
      await Promise.all(threads.slice(offset, offset + 1_000).map((t) => stack.sender.reply(t, "export")));
    }
    await stack.sink.until(() => stack.sink.exporting.size >= count, 600_000, "exports submitted");
    // Polls start fast (3 s) and back off to 30 s while a render shows no progress: measure the steady
    // state of exports that wait, once the back-off is over (3 + 6 + 12 + 24 s), over one whole interval.
    await new Promise((resolve) => setTimeout(resolve, QUICK ? 10_000 : 50_000)); // letting the back-off run
    const windowMs = QUICK ? 10_000 : 30_000;
    const before = await commandCalls(admin);
    let maxActive = 0;
    const activeKey = `{${stack.prefix}}:render:active`;
    const probe = setInterval(() => {
      void admin.llen(activeKey).then((n) => {
        maxActive = Math.max(maxActive, n);
      });
    }, 200);
    const probes = await Promise.all(Array.from({ length: 5 }, () => stack.sender.mention("hello")));
    await new Promise((resolve) => setTimeout(resolve, windowMs)); // the measuring window itself
    clearInterval(probe);
    const calls = callsDelta(before, await commandCalls(admin));
    const total = totalCalls(calls);
    await stack.sink.until(() => probes.every((p) => stack.sink.answeredAt.has(p.thread)), 60_000, "probes");
    const probeMs = probes.map((p) => stack.sink.answeredAt.get(p.thread)! - p.sentAt);
    return { perSecond: total / (windowMs / 1000), maxActive, probeMs, submitted: stack.sink.exporting.size };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const redis = await openRedis();
  const admin = openAdmin(redis);
  try {
    // `--workers 1,2,4`: the horizontal-scaling scenario (bench/scaling.ts) instead of the ones below.
    const scaling = scalingOptions(process.argv, STREAM_MS, QUICK);
    if (scaling) await runScaling(redis, admin, scaling);
    else await scenarios(redis, admin);
  } finally {
    admin.disconnect();
    await redis.stop();
  }
}

/** The figures of one burst of `n` conversations against their raw-stream baseline. */
async function burstFigures(redis: BenchRedis, admin: RedisClient, n: number): Promise<void> {
  console.log(`bench: ${n} conversations as one burst…`);
  const run = await conversations(redis, admin, n, { idleMs: n === 100 ? IDLE_MS : 0 });
  const { raw } = run;
  const rawP50 = percentile(raw, 0.5);
  const rawP99 = percentile(raw, 0.99);
  const p50 = percentile(run.e2e, 0.5) / rawP50;
  const p99 = percentile(run.e2e, 0.99) / rawP99;
  figure({
    name: `raw stream p50/p99 at ${n}`,
    value: `${fmt(rawP50)} / ${fmt(rawP99)} ms`,
    target: "baseline",
    ok: undefined,
  });
  const lost =
    run.unanswered + run.retried > 0
      ? { note: `${run.unanswered} unanswered in time; ${run.retried} events re-sent after a non-2xx` }
      : {};
  figure({ name: `e2e÷raw p50 at ${n}`, value: fmt(p50, 3), target: "≤ 1.03", ok: p50 <= 1.03, ...lost });
  figure({ name: `e2e÷raw p99 at ${n}`, value: fmt(p99, 3), target: "≤ 1.05", ok: p99 <= 1.05 });
  const pair = (values: number[]) => `${fmt(percentile(values, 0.5))} / ${fmt(percentile(values, 0.99))} ms`;
  figure({
    name: `bot time before /run_sse leaves p50/p99 at ${n}`,
    value: pair(run.bot.before),
    target: "(e2e − raw)",
    ok: undefined,
    note: "signed event sent → /run_sse at the backend: HTTP intake, queue, acknowledgement, session, credits, quotas, sent marker",
  });
  figure({
    name: `bot time after /run_sse ends p50/p99 at ${n}`,
    value: pair(run.bot.after),
    target: "(e2e − raw)",
    ok: undefined,
    note: "stream ended at the backend → the answer at the Slack sink: last parse, usage, durable answer, delivery",
  });
  figure({
    name: `gateway CPU per inbound event (burst of ${n}, ${WARM_UP_NOTE})`,
    value: `${fmt(run.gatewayMsPerEvent, 2)} ms`,
    target: "≤ 0.3 ms",
    ok: run.gatewayMsPerEvent <= 0.3,
  });
  if (n === BURST || n === E2E_LEVELS.at(-1)) {
    figure({
      name: `HTTP ack p50/p99, burst of ${n}`,
      value: `${fmt(percentile(run.ack, 0.5), 1)} / ${fmt(percentile(run.ack, 0.99), 1)} ms`,
      target: "p99 ≤ 400 ms (burst of 1,000)",
      ok: percentile(run.ack, 0.99) <= 400,
      ...(run.refused > 0 ? { note: `${run.refused} not acknowledged with 200` } : {}),
    });
  }
  if (n === 100) redisFigures(run, n - run.unanswered); // the warm-up ran before the snapshot
  if (run.idle) {
    const seconds = IDLE_MS / 1000;
    figure({
      name: "Redis commands/s idle (gateway + one worker)",
      value: fmt(run.idle.perSecond, 1),
      target: "(was 16.6)",
      ok: undefined,
      note: [...run.idle.calls.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([command, c]) => `${command} ${fmt(c / seconds, 1)}`)
        .join(", "),
    });
  }
  rssFigure(n, run.rssPerStream);
}

/** Redis commands (with their breakdown by command) and Redis CPU per turn. */
function redisFigures(
  run: { calls: Map<string, number>; redisUsec: number; redisCpu: number },
  turns: number,
): void {
  const total = totalCalls(run.calls);
  const breakdown = [...run.calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([command, c]) => `${command} ${fmt(c / turns, 1)}`)
    .join(", ");
  figure({
    name: "Redis commands per turn at 100",
    value: fmt(total / turns, 1),
    target: "≤ 35",
    ok: total / turns <= 35,
    note: breakdown,
  });
  const cpu = run.redisCpu / turns;
  figure({
    name: "Redis CPU per turn at 100",
    value: `${fmt(cpu, 3)} ms`,
    target: "≤ 0.3 ms",
    ok: cpu <= 0.3,
    note: `INFO cpu (user+sys) delta ÷ turns; INFO commandstats usec delta ÷ turns = ${fmt(run.redisUsec / turns / 1000, 3)} ms (a script's own commands counted in it and alone)`,
  });
}

function rssFigure(n: number, rssPerStream: number, note?: string): void {
  figure({
    name: `worker RSS per stream at ${n}`,
    value: `${fmt(rssPerStream / 1024, 1)} KB`,
    target: "≤ 64 KB",
    ok: rssPerStream <= 64 * 1024,
    ...(note ? { note } : {}),
  });
}

/** The per-process figures (see the header), printed beside their targets. */
async function scenarios(redis: BenchRedis, admin: RedisClient): Promise<void> {
  console.log(
    `bench: ${QUICK ? "quick mode, " : ""}streams ${STREAM_MS} ms, redis ${redis.private ? "private redis-server" : "REDIS_URL"}; ` +
      "gateway and worker are separate `nemo-video-bot start --role` processes with the shipped defaults; " +
      "quotas and usage on, with limits sized for the bench's one busy workspace: " +
      Object.entries(BENCH_QUOTAS)
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
  );
  for (const n of E2E_LEVELS) await burstFigures(redis, admin, n);

  console.log(`bench: ${ACK_RATE} events/s for ${ACK_SECONDS} s…`);
  const rate = await ackAtRate(redis, admin);
  figure({
    name: `HTTP ack p50/p99 at ${ACK_RATE} events/s`,
    value: `${fmt(percentile(rate, 0.5), 1)} / ${fmt(percentile(rate, 0.99), 1)} ms`,
    target: "p99 ≤ 100 ms",
    ok: percentile(rate, 0.99) <= 100,
  });

  for (const n of RSS_LEVELS.filter((level) => !E2E_LEVELS.includes(level))) {
    const overrides = { TURN_CONCURRENCY: String(n), NEMO_MAX_CONNECTIONS: String(n + 200) };
    console.log(`bench: ${n} open streams in one worker…`);
    const run = await conversations(redis, admin, n, { overrides });
    const note = Object.entries(overrides)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    rssFigure(n, run.rssPerStream, `override: ${note}`);
  }

  console.log(`bench: ${RENDERS} waiting exports…`);
  const renders = await waitingRenders(redis, admin, RENDERS);
  figure({
    name: `Redis commands/s with ${renders.submitted} waiting exports (steady state)`,
    value: fmt(renders.perSecond),
    target: "≤ 2,000/s",
    ok: renders.perSecond <= 2_000,
  });
  figure({
    name: "worker slots held by waiting exports",
    value: String(renders.maxActive),
    target: "0",
    ok: renders.maxActive === 0,
  });
  figure({
    name: "a new conversation's answer meanwhile (5 probes, p50)",
    value: `${fmt(percentile(renders.probeMs, 0.5))} ms`,
    target: "unaffected",
    ok: undefined,
  });
  printFigures();
}

function printFigures(): void {
  console.log("");
  console.log(
    table(
      ["figure", "value", "target", ""],
      figures.map((f) => [f.name, f.value, f.target, f.ok === undefined ? "" : f.ok ? "✓" : "✗"]),
    ),
  );
  for (const f of figures.filter((f) => f.note)) console.log(`  ${f.name}: ${f.note}`);
  console.log(
    [
      "",
      "Notes:",
      "  - e2e = signed event POSTed to the gateway → the Slack sink receives the answer (the message with Export).",
      "  - raw = the same number of /run_sse streams opened at once straight from a NemoClient (no bot), after the bot stopped.",
      "  - RSS per stream = (worker peak RSS during the burst − its RSS before) ÷ conversations (from /proc).",
      "  - Redis commands = INFO commandstats delta (commands inside Lua scripts counted too) ÷ turns; Redis CPU = INFO cpu delta ÷ turns.",
      "  - bot time before/after /run_sse: from the simulator's arrival and stream-end times of each conversation's (unique) message.",
      "  - gateway CPU per event = the gateway process's CPU (/proc) from the first event sent to the last acknowledgement ÷ events.",
    ].join("\n"),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
