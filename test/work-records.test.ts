import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { legacyWorkRecord, WorkRecords } from "../src/store/work-records.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const server = useRedisServer();
let redis: Redis;
let bot: BotFixture | undefined;
beforeAll(() => {
  redis = new Redis(server.url);
});
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});
afterAll(() => redis.disconnect());

/** The fields the intake writes into a turn job; workers add nothing to them. */
const INTAKE_FIELDS = [
  "admin",
  "confirmed",
  "inboundId",
  "joinedAtHead",
  "lang",
  "language",
  "locale",
  "refKey",
  "text",
  "userId",
];

describe("WorkRecords", () => {
  it("reads what a job queued by an older version kept in its own data", () => {
    const data = { refKey: "k", text: "hi", ackMessageId: "m1", recoveryAttempt: 2, backendWaitSince: "x" };
    expect(legacyWorkRecord(data)).toEqual({ ackMessageId: "m1", recoveryAttempt: 2 });
    expect(legacyWorkRecord({ refKey: "k", text: "hi" })).toEqual({});
  });

  it("reads back what was written, numbers as numbers; an undefined field is removed; the key expires", async () => {
    const keys = new Keys(`wr${randomUUID().slice(0, 8)}`);
    const records = new WorkRecords(redis, keys);
    expect(await records.read("job-1")).toEqual({});
    await records.write("job-1", { ackMessageId: "m1", locale: "zh-CN" });
    await records.write("job-1", { recoveryAttempt: 0, backendWaitSince: 1_700_000_000_000 });
    expect(await records.read("job-1")).toEqual({
      ackMessageId: "m1",
      locale: "zh-CN",
      recoveryAttempt: 0,
      backendWaitSince: 1_700_000_000_000,
    });
    await records.write("job-1", { ackMessageId: undefined, refusedStatus: 502 });
    expect(await records.read("job-1")).toEqual({
      locale: "zh-CN",
      recoveryAttempt: 0,
      backendWaitSince: 1_700_000_000_000,
      refusedStatus: 502,
    });
    const ttl = await redis.ttl(keys.work("job-1"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(KEY_TTL_SECONDS.work);
    await records.clear("job-1");
    expect(await redis.exists(keys.work("job-1"))).toBe(0);
  });
});

describe("turn jobs keep the data the intake wrote", () => {
  it("a waiting, acknowledged and recovered turn adds nothing to its job's data, and its record goes when done", async () => {
    bot = await startBot(server.url);
    bot.sim.inject("run_sse", { kind: "disconnect", afterEvents: 1 });
    await bot.say("W", "generate a video of a desert");
    await bot.say("W", "hello, what can you do?");
    const queue = bot.runtime.services.queues.turn;
    await bot.messenger.waitFor(() => /kept working/i.test(bot!.messenger.transcript(bot!.ref("W"))));
    let done = await queue.getJobs(["completed"]);
    const deadline = Date.now() + 20_000;
    while (done.length < 2) {
      if (Date.now() > deadline) throw new Error("timed out waiting for both turns to complete");
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = await queue.getJobs(["completed"]);
    }
    expect(done).toHaveLength(2);
    for (const job of done) {
      for (const field of Object.keys(job.data)) expect(INTAKE_FIELDS).toContain(field);
      expect(await redis.exists(bot.runtime.services.keys.work(job.id!))).toBe(0);
    }
  });
});
