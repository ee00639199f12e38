import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import { PRODUCTION_TIMINGS, type Timings } from "../src/config/timings.js";
import { silentLogger } from "../src/core/logger.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../src/simulator/index.js";
import { splitChunks } from "../src/simulator/sse.js";
import { Keys } from "../src/store/keys.js";
import type { PartialAnswer } from "../src/store/partial-answers.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { RedisTranscriptMessenger } from "./helpers/redis-transcript-messenger.js";
import { spawnWorker, until } from "./helpers/spawn-worker.js";

const redis = useRedisServer();

/** A simulator, a gateway in this process, and worker processes started and killed by the test. */
async function scene(simOptions: SimulatorOptions, run: (s: Scene) => Promise<void>): Promise<void> {
  const sim = await startSimulator(simOptions);
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
  const ref = { platform: "console" as const, workspace: "local", channel: "crash", thread: "k" };
  const s: Scene = {
    sim,
    transcript: () => messenger.transcript(ref),
    startWorker: async (extra = {}) => {
      const worker = await spawnWorker({ ...env, ...extra });
      workers.push(worker);
      return worker;
    },
    kill: async (worker, signal) => {
      const stopped = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill(signal);
      await stopped;
    },
    say: async (text) => {
      const id = randomUUID();
      await gateway.intake.handle({ id, ref, user: { id: "u" }, text, attachments: [] });
      return id;
    },
    partial: async (inboundId) => {
      const raw = await transcriptRedis.get(new Keys(prefix).partial(inboundId));
      return raw ? (JSON.parse(raw) as PartialAnswer) : undefined;
    },
  };
  try {
    await run(s);
  } finally {
    for (const worker of workers) worker.kill("SIGKILL");
    await gateway.close();
    transcriptRedis.disconnect();
    await sim.close();
  }
}

interface Scene {
  sim: Simulator;
  transcript(): Promise<string>;
  startWorker(env?: NodeJS.ProcessEnv): Promise<ChildProcess>;
  kill(worker: ChildProcess, signal: NodeJS.Signals): Promise<void>;
  say(text: string): Promise<string>;
  partial(inboundId: string): Promise<PartialAnswer | undefined>;
}

const runSse = (sim: Simulator) => sim.requests.filter((request) => request.path === "/run_sse");

/** The production takeover timings (turn lock, stalled check, first recovery poll). */
const PRODUCTION_TAKEOVER: Partial<Timings> = {
  lockDurationMs: PRODUCTION_TIMINGS.lockDurationMs,
  stalledIntervalMs: PRODUCTION_TIMINGS.stalledIntervalMs,
  recoveryDelaysMs: [2_000, 200, 300, 400],
};
/** A killed worker's turn waits for its lock: a 15 s one here (production: 2 min), for the printed figure. */
const SHORT_LOCK_TAKEOVER: Partial<Timings> = { ...PRODUCTION_TAKEOVER, lockDurationMs: 15_000 };

async function stopWorkerMidGeneration(signal: NodeJS.Signals, timings?: Partial<Timings>): Promise<void> {
  await scene({ generationMs: 4_000, heartbeatIntervalMs: 50 }, async (s) => {
    const env = timings ? { TEST_TIMINGS: JSON.stringify(timings) } : {};
    const first = await s.startWorker(env);
    await s.say("generate a video of a harbour");
    const session = await until(() => runSse(s.sim)[0]?.sessionId, "the stream to start");
    const killedAt = Date.now();
    await s.kill(first, signal);
    await s.startWorker(env);
    await until(
      async () => /checking what the backend did/i.test(await s.transcript()),
      "the takeover",
      40_000,
    );
    if (timings) {
      console.log(
        `takeover after ${signal}: recovery started ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock ${timings.lockDurationMs} ms, stalled check ${timings.stalledIntervalMs} ms, first poll ${timings.recoveryDelaysMs?.[0]} ms)`,
      );
    }
    const transcript = await until(async () => {
      const text = await s.transcript();
      return /what changed|while the connection/i.test(text) && text.includes("•") ? text : undefined;
    }, "the recovery report");
    expect(transcript).toMatch(/video/i);
    expect(s.sim.runSseCount(session)).toBe(1);
    expect(runSse(s.sim)).toHaveLength(1);
  });
}

describe("a worker stopped mid-stream", () => {
  it("killed hard: another worker takes over once the lock expired and recovers from the state, with exactly one /run_sse", async () => {
    await stopWorkerMidGeneration("SIGKILL", SHORT_LOCK_TAKEOVER);
  }, 60_000);

  it("SIGTERM: the stream gets its grace period, then is left for recovery (long production lock: no wait for it), never re-sent", async () => {
    expect(PRODUCTION_TAKEOVER.lockDurationMs).toBeGreaterThan(40_000); // the takeover below must not wait for it
    await stopWorkerMidGeneration("SIGTERM", PRODUCTION_TAKEOVER);
  }, 60_000);

  it("killed hard mid-text: the takeover delivers the text received so far, marked as cut off", async () => {
    await scene({ dialect: "agent", chunkText: true, heartbeatIntervalMs: 20 }, async (s) => {
      const said = "tell me a story about a lighthouse";
      const answer = `You said: "${said}". I can generate a video, add a title or background music, or make it shorter. What would you like?`;
      const chunks = splitChunks(answer);
      expect(chunks).toHaveLength(3);
      // Two of the three text chunks arrive, then the stream pauses (a slow answer) and the worker dies.
      s.sim.inject("run_sse", { kind: "pause", afterEvents: 2, ms: 60_000 });
      const first = await s.startWorker();
      const inboundId = await s.say(said);
      const soFar = chunks[0]! + chunks[1]!;
      await until(async () => (await s.partial(inboundId))?.text === soFar, "the text so far to be kept");
      const killedAt = Date.now();
      await s.kill(first, "SIGKILL");
      await s.startWorker();
      const transcript = await until(async () => {
        const text = await s.transcript();
        return /cut off/.test(text) ? text : undefined;
      }, "the kept text");
      console.log(
        `takeover after SIGKILL mid-text: kept text delivered ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock ${FAST_TIMINGS.lockDurationMs} ms, stalled check ${FAST_TIMINGS.stalledIntervalMs} ms)`,
      );
      expect(transcript).toContain(soFar.trim());
      expect(transcript).not.toContain(chunks[2]!.trim());
      expect(runSse(s.sim)).toHaveLength(1);
      await until(
        async () => (await s.partial(inboundId)) === undefined || undefined,
        "the kept text deleted",
      );
    });
  }, 60_000);

  it("killed after the stream ended but before the answer was delivered: the takeover delivers the whole answer", async () => {
    await scene({ dialect: "typed", chunkText: true }, async (s) => {
      const said = "tell me about harbours";
      // The first worker's answer delivery never completes; it is killed with the answer kept.
      const first = await s.startWorker({ TEST_HANG_ANSWERS: "You said" });
      const inboundId = await s.say(said);
      const kept = await until(async () => {
        const partial = await s.partial(inboundId);
        return partial?.ended ? partial : undefined;
      }, "the whole answer to be kept");
      await s.kill(first, "SIGKILL");
      await s.startWorker();
      const transcript = await until(async () => {
        const text = await s.transcript();
        return text.includes("What would you like?") ? text : undefined;
      }, "the whole answer");
      expect(kept.text).toContain(`You said: "${said}"`);
      expect(transcript).toContain(`You said: "${said}"`);
      expect(transcript).not.toMatch(/cut off|checking what the backend did/i);
      expect(runSse(s.sim)).toHaveLength(1);
      await until(
        async () => (await s.partial(inboundId)) === undefined || undefined,
        "the kept answer deleted",
      );
    });
  }, 60_000);
});
