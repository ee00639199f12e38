import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appMention, eventCallbackBody, slashCommandBody } from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { TestRedisServer } from "./helpers/redis-server.js";

/**
 * The inbound path under faults, through the real Bolt HTTP receiver: an event Slack got no 2xx for is
 * sent again by Slack (simulated here with Slack's retry headers) and answered once; an event that was
 * acknowledged is answered once, however often Slack re-sends it.
 */
let redis: TestRedisServer;
let bot: SlackBot;
let admin: Redis;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  bot = await SlackBot.start({ redisUrl: redis.url });
  admin = new Redis(redis.url, { maxRetriesPerRequest: null });
  admin.on("error", () => undefined); // Redis is killed on purpose below
});
afterAll(async () => {
  admin?.disconnect();
  await bot?.dispose();
  await redis?.stop();
});

const mention = (eventId: string, channel: string, ts: string, text: string) =>
  eventCallbackBody(appMention({ channel, user: "U1", text: `<@${BOT_USER}> ${text}`, ts }), {
    team: TEAM,
    eventId,
    botUserId: BOT_USER,
  });
const runSse = (text: string) => bot.sim!.requests.filter((r) => r.path === "/run_sse" && r.message === text);
const answers = (channel: string, thread: string) =>
  bot.fake.thread(channel, thread).filter((message) => message.text.includes("You said"));
const answered = (channel: string, thread: string) =>
  bot.fake.waitFor(() => answers(channel, thread).length > 0, 15_000, `answer in ${thread}`);

describe("every acknowledged message is answered once; every refused one is re-sent and answered once", () => {
  it("Redis down before the dedupe: Slack gets no 2xx, its retry after Redis is back is answered once", async () => {
    await redis.kill();
    const body = mention("EvDown", "C1", "500.1", "hello while redis is down");
    const refused = await bot.sendJson(body);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    await redis.launch();
    const retried = await retryUntilAccepted(() => bot.sendJson(body, { retryNum: 1 }));
    expect(retried.status).toBe(200);
    await answered("C1", "500.1");
    expect(answers("C1", "500.1")).toHaveLength(1);
    expect(runSse("hello while redis is down")).toHaveLength(1);
  }, 60_000);

  it("Redis refuses the enqueue after the dedupe step: no 2xx, and Slack's retry is answered once", async () => {
    // The job add (a BullMQ script, whose first command is an INCR of the queue's id counter) is refused
    // while the dedupe step (our own script, which runs no INCR) still runs: both go by EVALSHA now.
    await admin.call("ACL", "LOG", "RESET");
    await admin.call("ACL", "SETUSER", "default", "-incr");
    const body = mention("EvHalf", "C1", "500.2", "hello between dedupe and enqueue");
    try {
      const refused = await bot.sendJson(body);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      // The refusal came from inside the add script, i.e. after the dedupe step ran.
      const denied = JSON.stringify(await admin.call("ACL", "LOG"));
      expect(denied).toContain('"context","lua","object","incr"');
    } finally {
      await admin.call("ACL", "SETUSER", "default", "+incr");
    }
    const retried = await bot.sendJson(body, { retryNum: 1 });
    expect(retried.status).toBe(200);
    await answered("C1", "500.2");
    expect(answers("C1", "500.2")).toHaveLength(1);
    expect(runSse("hello between dedupe and enqueue")).toHaveLength(1);
  }, 60_000);

  it("after the enqueue: Slack's re-deliveries of an acknowledged event change nothing", async () => {
    const body = mention("EvDone", "C1", "500.3", "hello once");
    expect((await bot.sendJson(body)).status).toBe(200);
    expect((await bot.sendJson(body, { retryNum: 1 })).status).toBe(200);
    await answered("C1", "500.3");
    expect((await bot.sendJson(body, { retryNum: 2 })).status).toBe(200);
    const sentinel = mention("EvAfter", "C1", "500.4", "hello after");
    expect((await bot.sendJson(sentinel)).status).toBe(200);
    await answered("C1", "500.4");
    expect(answers("C1", "500.3")).toHaveLength(1);
    expect(runSse("hello once")).toHaveLength(1);
  }, 60_000);

  it("a replayed /nemo command posts its parent message once", async () => {
    const body = slashCommandBody({
      team: TEAM,
      channel: "C7",
      user: "U1",
      text: "a video of snow",
      triggerId: "t.replay",
      responseUrl: bot.responseUrl("c7"),
    });
    expect((await bot.sendForm(body)).status).toBe(200);
    expect((await bot.sendForm(body)).status).toBe(200);
    await bot.fake.waitFor(() => bot.fake.thread("C7", undefined).length > 0, 10_000, "parent");
    const parent = bot.fake.thread("C7", undefined)[0]!;
    await answered("C7", parent.ts);
    expect(bot.fake.thread("C7", undefined)).toHaveLength(1);
    expect(runSse("a video of snow")).toHaveLength(1);
  }, 60_000);
});

/**
 * Slack's retries: re-sends until the bot answers 2xx (Redis may still be coming back), each time once
 * Redis answers the test's own connection again.
 */
async function retryUntilAccepted(send: () => Promise<{ status: number }>): Promise<{ status: number }> {
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    if (response.status < 300 || attempt === 20) return response;
    await admin.ping();
  }
}
