import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health } from "../src/app/health.js";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { redisCheck } from "../src/doctor/redis-check.js";
import { connectRedis, type RedisClient } from "../src/redis/connect.js";
import { redisTargetFrom } from "../src/redis/redis-target.js";
import { startSimulator } from "../src/simulator/index.js";
import { Keys } from "../src/store/keys.js";
import { FAST_TIMINGS, startBot } from "./helpers/bot-fixture.js";
import { clusterUnsupported, TestRedisCluster } from "./helpers/redis-cluster.js";
import { RedisTranscriptMessenger } from "./helpers/redis-transcript-messenger.js";
import { killHard, spawnWorker, until } from "./helpers/spawn-worker.js";

const unsupported = await clusterUnsupported();
if (unsupported) console.warn(`skipping the Redis Cluster tests: ${unsupported}`);

describe.skipIf(unsupported !== undefined)("on a 3-master Redis Cluster", () => {
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    cluster = await TestRedisCluster.start(3);
  }, 40_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("the bot connects with ioredis Cluster clients and doctor reports every master", async () => {
    const client = connectRedis(redisTargetFrom(cluster.url)!, {});
    try {
      expect(client).toBeInstanceOf(Cluster);
      const keys = new Keys("probe");
      // Every key of a deployment hashes to the slot of its `{prefix}` tag.
      const slots = new Set(
        await Promise.all(
          [keys.conversation("a"), keys.line("b"), keys.sent("c"), `${keys.bull}:turn:wait`].map((key) =>
            client.call("CLUSTER", "KEYSLOT", key),
          ),
        ),
      );
      expect(slots.size).toBe(1);
    } finally {
      client.disconnect();
    }
    const doctor = await redisCheck(loadConfig({ REDIS_URL: cluster.url, DATA_DIR: "/nonexistent" }));
    expect(doctor.status).toBe("ok");
    expect(doctor.detail).toMatch(/cluster of 3 masters, cluster_state ok; appendonly yes$/);
  });

  it("runs the conversation: turns in two threads answered once each, in order, and an export", async () => {
    const bot = await startBot(cluster.url);
    try {
      const has = (thread: string, text: string) => () =>
        bot.messenger.thread(bot.ref(thread)).some((reply) => reply.text?.includes(text));
      await bot.say("a", "generate a video of a harbour at dawn");
      await bot.say("a", "one");
      await bot.say("b", "two");
      await bot.messenger.waitFor(has("a", 'You said: "one"'), 15_000, "thread a answered");
      await bot.messenger.waitFor(has("b", 'You said: "two"'), 15_000, "thread b answered");
      await bot.click("a", "export");
      await bot.messenger.waitFor(has("a", "/files/render_"), 15_000, "the video link");
      const record = await bot.runtime.services.sessions.find(bot.ref("a"));
      const sent = bot.sim.requests
        .filter((request) => request.path === "/run_sse" && request.sessionId === record?.sessionId)
        .map((request) => request.message);
      expect(sent).toEqual(["generate a video of a harbour at dawn", "one"]);
      expect(bot.runtime.services.redis).toBeInstanceOf(Cluster);
    } finally {
      await bot.dispose();
    }
  }, 40_000);

  it("a worker process killed mid-stream: another takes over, one /run_sse", async () => {
    const sim = await startSimulator({ generationMs: 3_000, heartbeatIntervalMs: 50 });
    const prefix = `cl${randomUUID().slice(0, 6)}`;
    const env = { REDIS_URL: cluster.url, NEMO_API_URL: sim.url, NEMO_WEB_URL: "https://web.example" };
    const transcriptRedis: RedisClient = connectRedis(redisTargetFrom(cluster.url)!, {});
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
    try {
      workers.push(await spawnWorker({ ...env, TEST_PREFIX: prefix }));
      await gateway.intake.handle({
        id: randomUUID(),
        ref,
        user: { id: "u" },
        text: "generate a video",
        attachments: [],
      });
      const session = await until(
        () => sim.requests.find((r) => r.path === "/run_sse")?.sessionId,
        "the stream",
      );
      await killHard(workers[0]!);
      workers.push(await spawnWorker({ ...env, TEST_PREFIX: prefix }));
      const transcript = await until(async () => {
        const text = await messenger.transcript(ref);
        return /what changed|while the connection/i.test(text) && text.includes("•") ? text : undefined;
      }, "the recovery report");
      expect(transcript).toMatch(/video/i);
      expect(sim.runSseCount(session)).toBe(1);
      expect(sim.requests.filter((r) => r.path === "/run_sse")).toHaveLength(1);
    } finally {
      for (const worker of workers) worker.kill("SIGKILL");
      await gateway.close();
      transcriptRedis.disconnect();
      await sim.close();
    }
  }, 45_000);

  it("the master owning the {prefix} slot restarted mid-conversation: every message answered once, in order", async () => {
    const bot = await startBot(cluster.url, { sim: { latencyMs: 60 } });
    try {
      const answers = () =>
        bot.messenger.thread(bot.ref("main")).filter((reply) => reply.text?.startsWith("You said"));
      const texts = ["one", "two", "three", "four"];
      for (const text of texts) await bot.say("main", text);
      await bot.messenger.waitFor(() => answers().length >= 1, 15_000, "the first answer");
      const owner = await cluster.masterOf(`{${bot.prefix}}`);
      await cluster.kill(owner);
      // The cluster declares it failed (CLUSTERDOWN for its slots) before it comes back with its AOF.
      await cluster.untilFailed(owner);
      // /healthz asks the master of the deployment's slot (other masters still answer PING).
      const health = new Health(bot.runtime.services.redis, 1_000, `{${bot.prefix}}:health`);
      expect((await health.check()).redis).toBe("down");
      // An event arriving meanwhile is refused by the intake (bounded wait) and re-delivered by the platform.
      const arriving = bot.say("main", "four and a half");
      await cluster.restart(owner);
      await arriving;
      expect((await health.check()).redis).toBe("up");
      await bot.say("main", "five");
      await bot.messenger.waitFor(() => answers().length >= 6, 40_000, "all six answers");
      const record = await bot.runtime.services.sessions.find(bot.ref("main"));
      const sent = bot.sim.requests
        .filter((request) => request.path === "/run_sse" && request.sessionId === record?.sessionId)
        .map((request) => request.message);
      const all = [...texts, "four and a half", "five"];
      expect(sent).toEqual(all);
      expect(answers().map((reply) => /"([\w ]+)"/.exec(reply.text ?? "")?.[1])).toEqual(all);
    } finally {
      await bot.dispose();
    }
  }, 60_000);
});
