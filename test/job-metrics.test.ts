import { createServer, get } from "node:http";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { registerCreditsMetric } from "../src/app/credits-metric.js";
import { Metrics } from "../src/app/metrics.js";
import { observeOutboundHttp } from "../src/app/outbound-http-metrics.js";
import { registerQueueMetrics } from "../src/app/queue-metrics.js";
import { observeWorkers } from "../src/app/worker-metrics.js";
import { closeQueues, createQueues } from "../src/jobs/queues.js";
import type { SimulatorOptions } from "../src/simulator/index.js";
import { Keys } from "../src/store/keys.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { freePort } from "./helpers/free-port.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/** The sum of a metric's samples matching `labels` (histograms: name them with `_count` / `_sum`). */
async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const base = name.replace(/_(count|sum)$/, "");
  const metric = registry.getSingleMetric(base);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter(
      (value) =>
        ((value as { metricName?: string }).metricName ?? base) === name &&
        Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
    )
    .reduce((sum, value) => sum + value.value, 0);
}

/** Metrics that also count stream events, so a test can wait for them without polling Redis. */
class ProbeMetrics extends Metrics {
  opened = 0;
  closed = 0;
  override streamOpened(): void {
    super.streamOpened();
    this.opened++;
  }
  override streamClosed(): void {
    super.streamClosed();
    this.closed++;
  }
  readonly finished: string[] = [];
  override jobFinished(queue: string, outcome: string, seconds: Parameters<Metrics["jobFinished"]>[2]): void {
    super.jobFinished(queue, outcome, seconds);
    this.finished.push(`${queue}:${outcome}`);
  }
}

let bot: BotFixture | undefined;
let stopWatching: (() => void) | undefined;
afterEach(async () => {
  stopWatching?.();
  stopWatching = undefined;
  await bot?.dispose();
  bot = undefined;
});

async function observedBot(sim: SimulatorOptions = {}) {
  bot = await startBot(redis.url, { workers: false, sim });
  const metrics = new ProbeMetrics();
  observeWorkers(bot.runtime.startWorkers({ turn: 5 }).workers, metrics);
  stopWatching = observeOutboundHttp({ backend: bot.sim.url, platforms: {} }, metrics);
  return { bot, metrics };
}

describe("job metrics from worker events and outbound HTTP", () => {
  it("counts an open stream while a turn streams, then the turn's run time and outcome", async () => {
    const { bot, metrics } = await observedBot({ generationMs: 300 });
    await bot.say("S", "generate a video of a cat");
    await eventually(() => metrics.opened === 1, 10_000, "a stream to open");
    expect(await sample(metrics.registry, "nemo_backend_streams_open")).toBe(1);
    await eventually(() => metrics.closed === 1, 10_000, "the stream to end");
    expect(await sample(metrics.registry, "nemo_backend_streams_open")).toBe(0);
    await eventually(() => metrics.finished.includes("turn:done"), 10_000, "the turn to finish");
    const done = { queue: "turn", outcome: "done" };
    expect(await sample(metrics.registry, "nemo_job_duration_seconds_count", done)).toBe(1);
    expect(await sample(metrics.registry, "nemo_job_latency_seconds_count", done)).toBe(1);
  });
});

describe("takeovers, recoveries and the outbox", () => {
  it("counts a turn recovered after its stream dropped, and the stream closed", async () => {
    const { bot, metrics } = await observedBot();
    bot.sim.inject("run_sse", { kind: "disconnect", afterEvents: 1 });
    await bot.say("D", "generate a video of a harbour");
    await eventually(() => metrics.finished.includes("turn:done"), 15_000, "the recovered turn to finish");
    expect(await sample(metrics.registry, "nemo_turn_recoveries_total", { outcome: "finished" })).toBe(1);
    expect(metrics.opened).toBe(1);
    expect(metrics.closed).toBe(1);
    expect(await sample(metrics.registry, "nemo_backend_streams_open")).toBe(0);
  });

  it("counts a job whose worker died (lock not renewed) as stalled and taken over", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const options = { connection, prefix: `{st${Date.now()}}` };
    const queue = new Queue("turn", options);
    // A worker that takes the job and then "dies": it never renews the lock nor finishes the job.
    const dead = new Worker("turn", null, { ...options, lockDuration: 300 });
    const metrics = new ProbeMetrics();
    let observed: Worker | undefined;
    try {
      await queue.add("turn", { refKey: "k" });
      expect(await dead.getNextJob("dead-token")).toBeDefined();
      observed = new Worker("turn", async () => "done", { ...options, stalledInterval: 200 });
      observeWorkers([observed], metrics);
      await eventually(() => metrics.finished.includes("turn:done"), 10_000, "the taken-over job to finish");
      expect(await sample(metrics.registry, "nemo_jobs_stalled_total", { queue: "turn" })).toBe(1);
    } finally {
      await observed?.close();
      await dead.close(true);
      await queue.close();
      connection.disconnect();
    }
  });

  it("counts outbox attempts: retrying while the platform fails, then delivered", async () => {
    const { bot, metrics } = await observedBot();
    bot.messenger.failNext(3);
    await bot.say("F", "hello through an outage");
    await eventually(() => metrics.finished.includes("deliver:done"), 20_000, "an outbox delivery");
    expect(
      await sample(metrics.registry, "nemo_deliveries_retried_total", { outcome: "delivered" }),
    ).toBeGreaterThan(0);
    expect(await sample(metrics.registry, "nemo_deliveries_retried_total", { outcome: "gave_up" })).toBe(0);
  });
});

describe("outbound HTTP errors", () => {
  it("counts backend 429s and chat platform errors (undici and node:http) by kind, bounded labels only", async () => {
    const statuses = [429, 503, 404];
    const server = createServer((req, res) => {
      const status = Number(new URL(req.url ?? "/", "http://x").searchParams.get("status"));
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const backend = createServer((_req, res) => res.writeHead(429).end());
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const backendPort = (backend.address() as { port: number }).port;
    const metrics = new Metrics();
    // Discord's REST goes through undici, Slack's Web API through node:http: one origin stands for both.
    stopWatching = observeOutboundHttp(
      {
        backend: `http://127.0.0.1:${backendPort}`,
        platforms: { discord: `http://127.0.0.1:${port}/api/v10`, slack: `http://localhost:${port}/api/` },
      },
      metrics,
    );
    try {
      for (const status of statuses) {
        const answer = await request(`http://127.0.0.1:${port}/api/v10/x?status=${status}`);
        await answer.body.dump();
        await new Promise<void>((resolve) =>
          get(`http://localhost:${port}/api/chat.postMessage?status=${status}`, (res) => {
            res.resume();
            res.on("end", resolve);
          }),
        );
      }
      await (await request(`http://127.0.0.1:${backendPort}/api/credits`)).body.dump();
      for (const platform of ["discord", "slack"]) {
        expect(
          await sample(metrics.registry, "nemo_platform_api_errors_total", {
            platform,
            kind: "rate_limited",
          }),
        ).toBe(1);
        expect(
          await sample(metrics.registry, "nemo_platform_api_errors_total", {
            platform,
            kind: "server_error",
          }),
        ).toBe(1);
        expect(
          await sample(metrics.registry, "nemo_platform_api_errors_total", {
            platform,
            kind: "client_error",
          }),
        ).toBe(1);
      }
      expect(await sample(metrics.registry, "nemo_backend_http_errors_total", { kind: "rate_limited" })).toBe(
        1,
      );
      const text = await metrics.registry.metrics();
      expect(text).not.toMatch(/chat\.postMessage|status=/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => backend.close(resolve));
    }
  });
});

describe("scrape-time metrics", () => {
  it("reads queue depths once per cache period", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queues = createQueues(connection, new Keys(`qm${Date.now()}`));
    try {
      const cachedRegistry = new Registry();
      registerQueueMetrics(cachedRegistry, Object.values(queues), 3_600_000);
      const freshRegistry = new Registry();
      registerQueueMetrics(freshRegistry, Object.values(queues), 0);
      const waiting = { queue: "turn", state: "waiting" };
      await queues.turn.add("turn", { inboundId: "a", refKey: "k", lang: "en", language: "en", text: "x" });
      expect(await sample(cachedRegistry, "nemo_queue_jobs", waiting)).toBe(1);
      await queues.turn.add("turn", { inboundId: "b", refKey: "k", lang: "en", language: "en", text: "y" });
      expect(await sample(cachedRegistry, "nemo_queue_jobs", waiting)).toBe(1);
      expect(await sample(freshRegistry, "nemo_queue_jobs", waiting)).toBe(2);
      expect(
        await sample(freshRegistry, "nemo_queue_oldest_job_age_seconds", waiting),
      ).toBeGreaterThanOrEqual(0);
      expect(await sample(freshRegistry, "nemo_queue_jobs", { queue: "export", state: "waiting" })).toBe(0);
    } finally {
      await closeQueues(queues);
      connection.disconnect();
    }
  });

  it("still serves the process's metrics while Redis does not answer, without queue series", async () => {
    const dead = new Redis({
      port: await freePort(),
      host: "127.0.0.1",
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
    dead.on("error", () => undefined);
    const queue = new Queue("turn", { connection: dead, prefix: "{dead}" });
    queue.on("error", () => undefined);
    const metrics = new Metrics();
    registerQueueMetrics(metrics.registry, [queue], 5_000, 200);
    try {
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/nemo_process_resident_memory_bytes \d+/);
      expect(text).not.toMatch(/nemo_queue_jobs\{/);
    } finally {
      dead.disconnect();
      await queue.close().catch(() => undefined);
    }
  });

  it("asks the backend for credits at most once per refresh period, and shows nothing before an answer", async () => {
    let calls = 0;
    let credits = 42;
    let fail = true;
    const registry = new Registry();
    registerCreditsMetric(
      registry,
      "operator",
      async () => {
        calls++;
        if (fail) throw new Error("backend unreachable");
        return credits;
      },
      { refreshMs: 0 },
    );
    expect(await registry.metrics()).not.toMatch(/nemo_credits_available\{/);
    fail = false;
    expect(await sample(registry, "nemo_credits_available", { account: "operator" })).toBe(42);
    const slow = new Registry();
    let slowCalls = 0;
    registerCreditsMetric(slow, "anonymous", async () => {
      slowCalls++;
      return credits;
    });
    expect(await sample(slow, "nemo_credits_available", { account: "anonymous" })).toBe(42);
    credits = 7;
    expect(await sample(slow, "nemo_credits_available", { account: "anonymous" })).toBe(42);
    expect(slowCalls).toBe(1);
    expect(await sample(registry, "nemo_credits_available", { account: "operator" })).toBe(7);
    expect(calls).toBe(3);
  });
});
