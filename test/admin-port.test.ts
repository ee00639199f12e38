import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/index.js";
import { startObservability } from "../src/app/observability.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { closeQueues, createQueues } from "../src/jobs/queues.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { Keys } from "../src/store/keys.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const TOKEN = "admin-test-token-0123456789";

interface BotProcess {
  child: ChildProcess;
  /** The JSON log lines so far. */
  lines: Record<string, unknown>[];
  /** Resolves with the first log line whose `msg` is `event`. */
  logged(event: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** The real CLI (`nemo-video-bot start --role …`) in its own process; its log is JSON on stdout. */
async function startCli(role: string, env: NodeJS.ProcessEnv): Promise<BotProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--role", role], {
    env: {
      ...process.env,
      LOG_LEVEL: "info",
      DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-admin-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        child.emit("log-line");
      } catch {
        // not a log line
      }
      newline = buffer.indexOf("\n");
    }
  });
  const exited = once(child, "exit");
  const logged = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => line.msg === event);
        if (!found) return;
        child.off("log-line", check);
        child.off("exit", gone);
        resolve(found);
      };
      const gone = () => reject(new Error(`exited before "${event}":\n${stderr}`));
      child.on("log-line", check);
      child.once("exit", gone);
      check();
    });
  return {
    child,
    lines,
    logged,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("the admin port", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ generationMs: 50 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("serves metrics, health and the queue board from a worker process, behind the token", async () => {
    const prefix = `adm${Date.now()}`;
    // Jobs due in an hour: the worker leaves them delayed, so the depth is known.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queues = createQueues(connection, new Keys(prefix));
    for (const n of [1, 2, 3]) {
      await queues.export.add("export", { refKey: `k${n}`, lang: "en" }, { delay: 3_600_000 });
    }
    const bot = await startCli("worker", {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: prefix,
      ADMIN_PORT: "0",
      ADMIN_TOKEN: TOKEN,
    });
    try {
      const listening = await bot.logged("admin-listening");
      expect(listening).toMatchObject({ host: "127.0.0.1", auth: "token" });
      expect(JSON.stringify(bot.lines)).not.toContain(TOKEN);
      const base = `http://127.0.0.1:${listening.port as number}`;
      const auth = { authorization: `Bearer ${TOKEN}` };

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: "ok",
        redis: "up",
        reasons: [],
        adminPort: listening.port,
      });

      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(
        401,
      );
      const metrics = await fetch(`${base}/metrics`, { headers: auth });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/nemo_queue_jobs\{queue="export",state="delayed"\} 3\n/);
      expect(text).toMatch(/nemo_queue_jobs\{queue="turn",state="waiting"\} 0\n/);
      expect(text).toMatch(/nemo_queue_oldest_job_age_seconds\{queue="export",state="delayed"\} [\d.]+/);
      expect(text).toMatch(/nemo_process_resident_memory_bytes \d+/);
      expect(text).toMatch(/nemo_credits_available\{account="anonymous"\} \d+/);

      expect((await fetch(`${base}/queues`)).status).toBe(401);
      const board = await fetch(`${base}/queues`, { headers: auth });
      expect(board.status).toBe(200);
      const html = await board.text();
      expect(html).toMatch(/<html/i);
      // The page's own scripts load from under /queues too (relative to its <base href>).
      const baseHref = /<base href="([^"]+)"/.exec(html)?.[1];
      expect(baseHref).toMatch(/^\/queues\/?$/);
      const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1] ?? "missing";
      const scriptUrl = new URL(script, new URL(baseHref!.endsWith("/") ? baseHref! : `${baseHref}/`, base));
      expect((await fetch(scriptUrl, { headers: auth })).status).toBe(200);
      const api = await fetch(`${base}/queues/api/queues`, { headers: auth });
      expect(api.status).toBe(200);
      const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
      expect(names.sort()).toEqual(["command", "deliver", "export", "turn", "upload"]);
      // Browsers: Basic with the token as password.
      const basic = `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}`;
      expect((await fetch(`${base}/queues/api/queues`, { headers: { authorization: basic } })).status).toBe(
        200,
      );
    } finally {
      await bot.stop();
      await closeQueues(queues);
      connection.disconnect();
    }
  });

  it("refuses to start on a taken admin port, saying what to do", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const bot = await startBot(redis.url, { workers: false, simulator: sim });
    try {
      const config = loadConfig({ NEMO_API_URL: sim.url, REDIS_URL: redis.url, ADMIN_PORT: String(port) });
      await expect(
        startObservability({ config, services: bot.runtime.services, workers: [], logger: silentLogger() }),
      ).rejects.toThrow(
        new RegExp(
          `^ADMIN_PORT ${port} on 127\\.0\\.0\\.1 is in use — set ADMIN_PORT to a free port, or unset ADMIN_PORT \\(the default when free, else any free port\\)`,
        ),
      );
    } finally {
      await bot.dispose();
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("reports degraded while the backend's circuit is open, and ok again once it closes", async () => {
    const bot = await startBot(redis.url, { workers: false, simulator: sim });
    const config = loadConfig({ NEMO_API_URL: sim.url, REDIS_URL: redis.url, ADMIN_PORT: "0" });
    const observability = await startObservability({
      config,
      services: bot.runtime.services,
      workers: [],
      logger: silentLogger(),
    });
    try {
      const health = async () =>
        (await (await fetch(`http://127.0.0.1:${observability.adminPort}/healthz`)).json()) as {
          status: string;
          reasons: string[];
        };
      expect((await health()).status).toBe("ok");
      const { breaker } = bot.runtime.services;
      for (let i = 0; i < config.NEMO_BREAKER_THRESHOLD; i++) await breaker.recordFailure();
      expect(await health()).toMatchObject({ status: "degraded", reasons: ["backend-circuit-open"] });
      const metrics = await (await fetch(`http://127.0.0.1:${observability.adminPort}/metrics`)).text();
      expect(metrics).toMatch(/nemo_degraded\{reason="backend-circuit-open"\} 1/);
      await breaker.recordSuccess();
      expect((await health()).status).toBe("ok");
    } finally {
      await observability.close();
      await bot.dispose();
    }
  });

  it("keeps /metrics off the gateway's public port", async () => {
    const slack = await FakeSlackApi.start({
      botToken: "xoxb-admin-port-bot",
      scopes: [...SLACK_BOT_SCOPES],
    });
    // Slack over HTTP: the one thing the public port is bound for.
    const bot = await startCli("gateway", {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: `gw${Date.now()}`,
      PORT: "0",
      ADMIN_PORT: "0",
      SLACK_BOT_TOKEN: "xoxb-admin-port-bot",
      SLACK_SIGNING_SECRET: "admin-port-signing-secret",
      SLACK_API_URL: slack.apiUrl,
    });
    try {
      const publicPort = (await bot.logged("http-listening")).port as number;
      const adminPort = (await bot.logged("admin-listening")).port as number;
      expect(publicPort).not.toBe(adminPort);
      expect((await fetch(`http://127.0.0.1:${publicPort}/metrics`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${publicPort}/queues`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${publicPort}/healthz`)).status).toBe(200);
      // No token configured: the admin port is open (it listens on loopback only).
      const metrics = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/nemo_inbound_events_total/);
    } finally {
      await bot.stop();
      await slack.close();
    }
  });

  it("two workers on one host come up without any ADMIN_PORT, each on its own port shown in /healthz", async () => {
    const env = {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: `two${Date.now()}`,
      ADMIN_PORT: undefined,
      PORT: undefined,
    };
    const first = await startCli("worker", env);
    const second = await startCli("worker", env);
    try {
      const ports: number[] = [];
      for (const bot of [first, second]) {
        const listening = await bot.logged("admin-listening");
        await bot.logged("bot-started");
        expect(["default", "free"]).toContain(listening.choice);
        const port = listening.port as number;
        const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
          adminPort: number;
        };
        expect(health.adminPort).toBe(port);
        expect(bot.lines.some((line) => line.msg === "http-listening")).toBe(false);
        ports.push(port);
      }
      expect(new Set(ports).size).toBe(2);
      // Whoever took the default first, the other one was given a free port instead of a refusal.
      const choices = [first, second].map(
        (bot) => bot.lines.find((line) => line.msg === "admin-listening")?.choice,
      );
      expect(choices).toContain("free");
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
