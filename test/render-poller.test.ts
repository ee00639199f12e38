import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import { type ConversationRef, refKey } from "../src/core/conversation/conversation-ref.js";
import { silentLogger } from "../src/core/logger.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { Keys } from "../src/store/keys.js";
import { RedisConversationStore } from "../src/store/redis-conversation-store.js";
import { type BotFixture, FAST_TIMINGS, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { RedisTranscriptMessenger } from "./helpers/redis-transcript-messenger.js";
import { killHard, spawnWorker, until } from "./helpers/spawn-worker.js";

const redis = useRedisServer();
const DONE = "✅ Your video is ready: ";
const isRenderStart = (path: string) => path === "/api/render/proxy/lambda";
const isRenderPoll = (path: string) => /^\/api\/render\/proxy\/lambda\/[^/]+$/.test(path);
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every thread gets the session of `first`, whose draft is ready: exports without a generation each. */
async function shareDraft(
  services: Runtime["services"],
  prefix: string,
  first: ConversationRef,
  refs: ConversationRef[],
) {
  const record = await services.sessions.ensure(first, "en");
  for await (const _ of services.client.sendMessage(
    { platform: "console" },
    record.sessionId,
    "generate a clip",
  )) {
  }
  const store = new RedisConversationStore(services.redis, new Keys(prefix));
  await Promise.all(refs.map((ref) => store.put(refKey(ref), { ...record, platform: ref.platform })));
}

/** Commands Redis ran so far (INFO commandstats, commands inside scripts included), by command. */
async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await client.info("commandstats")).split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}

/** One member asks for every export here: the daily export quotas would refuse all but the first few. */
const UNLIMITED_EXPORTS = { QUOTA_EXPORTS_PER_DAY: "user=0,channel=0,workspace=0,global=0" };

describe("waiting exports", () => {
  it("2,000 waiting renders: a few Redis commands per poll, no job held or scheduled per poll, turns unaffected", async () => {
    const renders = Number(process.env.TEST_RENDERS ?? 2_000);
    const bot: BotFixture = await startBot(redis.url, {
      env: UNLIMITED_EXPORTS,
      sim: { renderSteps: 1_000_000_000, generationMs: 1, editMs: 1, credits: 1_000_000 },
      timings: { exportPollMs: 1_000, exportPollMaxMs: 4_000, exportTimeoutMs: 3_600_000 },
    });
    cleanups.push(() => bot.dispose());
    const admin = new Redis(redis.url);
    cleanups.push(async () => admin.disconnect());
    const threads = Array.from({ length: renders }, (_, index) => `w${index}`);
    await shareDraft(bot.runtime.services, bot.prefix, bot.ref("first"), threads.map(bot.ref));
    for (let index = 0; index < renders; index += 200)
      await Promise.all(threads.slice(index, index + 200).map((thread) => bot.click(thread, "export")));
    const due = new Keys(bot.prefix).exportsDue();
    const polled = () => bot.sim.requests.filter((request) => isRenderPoll(request.path)).length;
    await until(
      () => {
        return polled() >= renders * 4;
      },
      "every render to be polled four times (its interval backed off to the maximum)",
      240_000,
    );

    const before = await commandCalls(admin);
    const pollsBefore = polled();
    const started = performance.now();
    await bot.say("X", "are you still answering?");
    await until(() => polled() >= pollsBefore + renders, "every render to be polled once more", 120_000);
    const elapsedMs = performance.now() - started;
    const after = await commandCalls(admin);
    const polls = polled() - pollsBefore;
    const delta = [...after].map(
      ([command, calls]) => [command, calls - (before.get(command) ?? 0)] as const,
    );
    const total = delta.reduce((sum, [, calls]) => sum + calls, 0);
    const top = delta
      .filter(([, calls]) => calls > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([command, calls]) => `${command} ${calls}`)
      .join(", ");
    console.log(
      `render-poller: ${renders} waiting renders, ${polls} polls in ${Math.round(elapsedMs)} ms: ` +
        `${total} Redis commands (${(total / polls).toFixed(2)} per poll, ${Math.round((total / elapsedMs) * 1000)}/s; ` +
        `at 10,000 renders polled every 30 s that is ≈ ${Math.round(((total / polls) * 10_000) / 30)}/s) — ${top}`,
    );
    await until(
      () => bot.messenger.transcript(bot.ref("X")).includes("You said"),
      "the other thread's answer",
      60_000,
    );
    // Generous: a claim (ZRANGEBYSCORE, HGETALL, ZADD per render) plus BullMQ's idle work.
    expect(total / polls).toBeLessThan(6);
    const queue = bot.runtime.services.queues.export;
    expect(await queue.getActiveCount()).toBe(0);
    expect(await queue.getDelayedCount()).toBe(0);
    expect(await admin.zcard(due)).toBe(renders);
    expect(bot.sim.requests.filter((request) => isRenderStart(request.path))).toHaveLength(renders);
  }, 400_000);

  it("a poller SIGKILLed: another worker's poller takes its renders over, one final message each", async () => {
    const sim: Simulator = await startSimulator({ generationMs: 5, editMs: 5, renderSteps: 1_000_000_000 });
    cleanups.push(() => sim.close());
    const prefix = `rp${randomUUID().slice(0, 6)}`;
    const env = {
      REDIS_URL: redis.url,
      NEMO_API_URL: sim.url,
      NEMO_WEB_URL: "https://web.example",
      TEST_PREFIX: prefix,
      ...UNLIMITED_EXPORTS,
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
    cleanups.push(async () => {
      await gateway.close();
      transcriptRedis.disconnect();
    });
    const workers: ChildProcess[] = [];
    const startWorker = async () => {
      const worker = await spawnWorker(env);
      workers.push(worker);
      cleanups.push(() => killHard(worker));
      return worker;
    };
    const refs: ConversationRef[] = Array.from({ length: 20 }, (_, index) => ({
      platform: "console",
      workspace: "local",
      channel: "renders",
      thread: `${prefix}-${index}`,
    }));
    await shareDraft(gateway.services, prefix, { ...refs[0]!, thread: `${prefix}-first` }, refs);
    const first = await startWorker();
    for (const ref of refs)
      await gateway.intake.handle({
        id: randomUUID(),
        ref,
        user: { id: "u" },
        text: "export",
        attachments: [],
      });
    await until(async () => {
      const shown = await Promise.all(refs.map((ref) => messenger.transcript(ref)));
      return shown.every((text) => /Exporting… .*\d+%/.test(text));
    }, "every export to be submitted and polled");
    await killHard(first);
    // From now on a render completes at its next poll: only the second worker can see that.
    sim.options.renderSteps = 1;

    await startWorker();
    const transcripts = await until(async () => {
      const shown = await Promise.all(refs.map((ref) => messenger.transcript(ref)));
      return shown.every((text) => text.includes(DONE)) ? shown : undefined;
    }, "every export to be finished by the other worker");
    for (const text of transcripts) expect(count(text, /✅ Your video is ready: /)).toBe(1);
    expect(sim.requests.filter((request) => isRenderStart(request.path))).toHaveLength(refs.length);
  }, 120_000);
});
