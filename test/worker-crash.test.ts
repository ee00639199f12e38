import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/core/logger.js";
import { startSimulator } from "../src/simulator/index.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { RedisTranscriptMessenger } from "./helpers/redis-transcript-messenger.js";

const redis = useRedisServer();

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/worker-process.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("worker-ready")) resolve(child);
    });
  });
}

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopWorkerMidStream(signal: NodeJS.Signals): Promise<void> {
  {
    const sim = await startSimulator({ generationMs: 4_000, heartbeatIntervalMs: 50 });
    const prefix = `crash${randomUUID().slice(0, 6)}`;
    const env = {
      REDIS_URL: redis.url,
      NEMO_API_URL: sim.url,
      NEMO_WEB_URL: "https://web.example",
      TEST_PREFIX: prefix,
    };
    const transcriptRedis = new Redis(redis.url);
    const messenger = new RedisTranscriptMessenger(transcriptRedis, `transcript:${prefix}`);
    const gateway = await Runtime.create({
      config: loadConfig(env),
      logger: silentLogger(),
      messengers: { console: messenger },
      prefix,
      timings: FAST_TIMINGS,
    });
    const workers: ChildProcess[] = [];
    try {
      workers.push(await spawnWorker(env));
      const ref = { platform: "console" as const, workspace: "local", channel: "crash", thread: "k" };
      await gateway.intake.handle({
        id: randomUUID(),
        ref,
        user: { id: "u" },
        text: "generate a video of a harbour",
        attachments: [],
      });
      const session = await until(
        () => sim.requests.find((request) => request.path === "/run_sse")?.sessionId,
        "the stream to start",
      );
      const stopped = new Promise((resolve) => workers[0]!.once("exit", resolve));
      workers[0]!.kill(signal);
      await stopped;
      workers.push(await spawnWorker(env));

      const transcript = await until(async () => {
        const text = await messenger.transcript(ref);
        return /what changed|while the connection/i.test(text) && text.includes("•") ? text : undefined;
      }, "the recovery report");
      expect(transcript).toMatch(/video/i);
      expect(sim.runSseCount(session)).toBe(1);
      expect(sim.requests.filter((request) => request.path === "/run_sse")).toHaveLength(1);
    } finally {
      for (const worker of workers) worker.kill("SIGKILL");
      await gateway.close();
      transcriptRedis.disconnect();
      await sim.close();
    }
  }
}

describe("a worker stopped mid-stream", () => {
  it("killed hard: another worker recovers from the state, with exactly one /run_sse", async () => {
    await stopWorkerMidStream("SIGKILL");
  }, 60_000);

  it("SIGTERM: the stream gets its grace period, then is left for recovery, never re-sent", async () => {
    await stopWorkerMidStream("SIGTERM");
  }, 60_000);
});
