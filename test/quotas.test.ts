import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { Keys } from "../src/store/keys.js";
import { Quotas } from "../src/store/quotas.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;

afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const said = (fixture: BotFixture, thread: string, words: string) =>
  fixture.messenger.waitFor(
    () => fixture.messenger.transcript(fixture.ref(thread)).includes(words),
    15_000,
    `"${words}" in ${thread}`,
  );
const sentTexts = (fixture: BotFixture) =>
  fixture.sim.requests.filter((r) => r.message !== undefined).map((r) => r.message!);

describe("quotas", () => {
  it("turns per hour: refuses at the user's limit, says which limit and when it resets", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_TURNS_PER_HOUR: "user=1" } });
    await bot.say("A", "hello");
    await said(bot, "A", "You said");
    await bot.say("A", "one more");
    await said(bot, "A", "Limit reached: messages per hour for you (at most 1). It resets in");
    expect(sentTexts(bot)).toEqual(["hello"]);
    // Another member is not limited by the first one's quota.
    await bot.say("A", "from u2", { user: { id: "u2" } });
    await said(bot, "A", 'You said: "from u2"');
  });

  it("turns per hour: a send the backend refused gives its point back", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_TURNS_PER_HOUR: "user=1" } });
    bot.sim.inject("run_sse", { kind: "status", status: 429 }, 2);
    await bot.say("A", "refused");
    await bot.messenger.waitFor(() => bot!.messenger.thread(bot!.ref("A")).some((r) => r.tone === "error"));
    await bot.say("A", "hello");
    await said(bot, "A", 'You said: "hello"');
  });

  it("per channel: a second member in the same channel is refused, in Chinese too", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_TURNS_PER_HOUR: "user=0,channel=1" } });
    await bot.say("A", "hello");
    await said(bot, "A", "You said");
    await bot.say("B", "你好", { user: { id: "u2" }, locale: "zh-CN" });
    await said(bot, "B", "已达上限：本频道的每小时消息数（最多 1）");
  });

  it("admins skip their place's own limits only; the operator (the console's own user) skips all", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_TURNS_PER_HOUR: "user=2,channel=1" } });
    const admin = { user: { id: "boss", admin: true } };
    await bot.say("A", "one", admin);
    await said(bot, "A", 'You said: "one"');
    await bot.say("A", "two", admin);
    await said(bot, "A", 'You said: "two"');
    await bot.say("A", "three", admin);
    await said(bot, "A", "Limit reached: messages per hour for you (at most 2)");
    const operator = { user: { id: "local" } };
    for (const word of ["four", "five", "six"]) {
      await bot.say("B", word, operator);
      await said(bot, "B", `You said: "${word}"`);
    }
    expect(sentTexts(bot)).not.toContain("three");
  });

  it("generations per day: once used up, further messages are refused", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_GENERATIONS_PER_DAY: "user=1" } });
    await bot.say("A", "make a video of a cat");
    await said(bot, "A", "Music and title added");
    await bot.say("A", "hello");
    await said(bot, "A", "Limit reached: video generations per day for you (at most 1)");
    expect(sentTexts(bot)).toEqual(["make a video of a cat"]);
  });

  it("exports per day: the second export is refused", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_EXPORTS_PER_DAY: "user=1" } });
    await bot.say("A", "make a video of a cat");
    await said(bot, "A", "Music and title added");
    await bot.click("A", "export");
    await said(bot, "A", "✅ Your video is ready:");
    // The finished export releases the thread's export lock just after posting its link.
    const { redis: connection, keys } = bot.runtime.services;
    while (await connection.exists(keys.exportLock(refKey(bot.ref("A"))))) {
      await new Promise((resolve) => setTimeout(resolve, 10)); // polls Redis (the test's timeout bounds it)
    }
    const renders = () => bot!.sim.requests.filter((r) => r.path.includes("render")).length;
    const before = renders();
    await bot.click("A", "export");
    await said(bot, "A", "Limit reached: exports per day for you (at most 1)");
    expect(renders()).toBe(before);
  });

  it("messages queued per thread: one too many is not queued and never sent", async () => {
    bot = await startBot(redis.url, { env: { QUOTA_QUEUED_PER_THREAD: "1" } });
    await bot.sim.startOutage();
    await bot.say("A", "first");
    await bot.say("A", "second");
    await bot.say("A", "third");
    await said(bot, "A", "Too many messages are waiting in this thread (at most 1)");
    await bot.sim.endOutage();
    await said(bot, "A", 'You said: "second"');
    expect(sentTexts(bot)).toEqual(["first", "second"]);
  });
});

describe("Quotas (fixed-window counters on Redis, one Lua step per admission)", () => {
  const subject = {
    ref: { platform: "discord", workspace: "g", channel: "c", thread: "t" },
    userId: "u",
  } as const;

  async function quotas(env: Record<string, string>) {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const config = loadConfig({ REDIS_URL: redis.url, ...env });
    const { quotaSettings } = await import("../src/config/config.js");
    const keys = new Keys(`q${randomUUID().slice(0, 8)}`);
    return { connection, keys, quotas: new Quotas(connection, keys, quotaSettings(config)) };
  }

  it("running turns per user: the slot is refused at the limit and free again once given back", async () => {
    const { connection, quotas: q } = await quotas({ QUOTA_RUNNING_TURNS_PER_USER: "1" });
    try {
      const first = await q.admit(subject, { running: true });
      expect(first.ok).toBe(true);
      const second = await q.admit(subject, { running: true });
      expect(second).toMatchObject({ ok: false, refusal: { limit: "running", max: 1 } });
      if (first.ok) await first.running.giveBack();
      expect((await q.admit(subject, { running: true })).ok).toBe(true);
    } finally {
      connection.disconnect();
    }
  });

  it("one admission (used-up generations, turn points in four scopes, a running slot) is one Redis command", async () => {
    const {
      connection,
      keys,
      quotas: q,
    } = await quotas({
      QUOTA_TURNS_PER_HOUR: "user=2,channel=5,workspace=5,global=5",
      QUOTA_GENERATIONS_PER_DAY: "user=1,channel=5,workspace=5,global=5",
      QUOTA_RUNNING_TURNS_PER_USER: "5",
    });
    await connection.script("FLUSH"); // the first admission below meets a server without its script
    const monitor = await new Redis(redis.url).monitor();
    const seen: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((arg) => arg.startsWith(keys.bull))) seen.push(args);
    });
    try {
      const ask = { full: ["generations"], take: "turns", running: true } as const;
      const admitted = await q.admit(subject, ask);
      expect(admitted.ok).toBe(true);
      // MONITOR lists the client's commands (ioredis writes them in lower case) and then the script's own
      // (upper case, as the script writes them): one command from the client, one MGET and the writes
      // (a new counter: one SET with its TTL, no INCR and PEXPIRE).
      // The script goes by its SHA1; only this first use after the flush (NOSCRIPT) sends its body.
      await vi.waitFor(() => expect(seen.filter((args) => args[0] === "SET")).toHaveLength(5));
      expect(seen.filter((args) => ["INCR", "PEXPIRE"].includes(args[0] ?? ""))).toEqual([]);
      const client = () => seen.filter((args) => args[0] === args[0]?.toLowerCase()).map((args) => args[0]);
      expect(client()).toEqual(["evalsha", "eval"]);
      expect(seen.filter((args) => args[0] === "MGET")).toHaveLength(1);
      // Counted once more after the fact (a generation): the day's generations are used up for "u".
      const before = client().length;
      await q.count("generations", subject);
      const refused = await q.admit(subject, ask);
      // From now on the cached script: one EVALSHA each, no body.
      await vi.waitFor(() => expect(client().length).toBeGreaterThanOrEqual(before + 2));
      expect(client().slice(before)).toEqual(["evalsha", "evalsha"]);
      // Counting reads nothing: the refused admission's MGET is the second one; the four new generation
      // counters got an INCR and a PEXPIRE each.
      await vi.waitFor(() => expect(seen.filter((args) => args[0] === "MGET")).toHaveLength(2));
      expect(seen.filter((args) => args[0] === "PEXPIRE")).toHaveLength(4);
      expect(refused).toMatchObject({ ok: false, refusal: { limit: "generations", scope: "user", max: 1 } });
      if (refused.ok) throw new Error("unreachable");
      expect(refused.refusal.resetMs).toBeGreaterThan(23 * 3_600_000);
      // The refused admission took nothing: one turn point and one running slot are held.
      const counter = (name: string) => connection.get(`${keys.bull}:rl:${name}`);
      expect(await counter("turns:user:discord:u")).toBe("1");
      expect(await counter("running:discord:u")).toBe("1");
      // An exempt scope is neither checked nor counted.
      const exempt = await q.admit(subject, { ...ask, exempt: ["user"] });
      expect(exempt.ok).toBe(true);
      expect(await counter("turns:user:discord:u")).toBe("1");
      expect(await counter("turns:channel:discord:g:c")).toBe("2");
      // Giving back returns the points (one DECR each, no script).
      const commands = seen.length;
      if (admitted.ok) await admitted.points.giveBack();
      expect(await counter("turns:user:discord:u")).toBe("0");
      // (MONITOR lags: the test's own reads may show up after `commands`; they are left out.)
      const givingBack = () => seen.slice(commands).filter((args) => args[0] !== "get");
      await vi.waitFor(() => expect(givingBack().length).toBeGreaterThanOrEqual(4));
      expect(givingBack().map((args) => args[0])).toEqual(["decr", "decr", "decr", "decr"]);
      // A counter gone meanwhile comes back below zero, with a TTL; the next admission starts it afresh.
      const running = `${keys.bull}:rl:running:discord:u`;
      await connection.del(running);
      if (admitted.ok) await admitted.running.giveBack();
      expect(await connection.get(running)).toBe("-1");
      expect(await connection.pttl(running)).toBeGreaterThan(0);
      expect((await q.admit(subject, { running: true })).ok).toBe(true);
      expect(await connection.get(running)).toBe("1");
    } finally {
      monitor.disconnect();
      connection.disconnect();
    }
  });

  it("a refusal in one scope keeps no point in the others; keys live under the hash-tagged prefix", async () => {
    const {
      connection,
      keys: prefix,
      quotas: q,
    } = await quotas({ QUOTA_TURNS_PER_HOUR: "user=5,channel=1" });
    try {
      expect((await q.take("turns", subject)).ok).toBe(true);
      const refused = await q.take("turns", { ...subject, userId: "v" });
      expect(refused).toMatchObject({ ok: false, refusal: { scope: "channel", max: 1 } });
      expect(await q.userLimits({ ...subject, userId: "v" })).toContainEqual({
        kind: "turns",
        used: 0,
        max: 5,
      });
      // Only "u"'s point is kept in every scope: "v"'s refused take wrote nothing.
      const count = (name: string) => connection.get(`${prefix.bull}:rl:turns:${name}`);
      expect(await count("global:all")).toBe("1");
      expect(await count("workspace:discord:g")).toBe("1");
      expect(await count("channel:discord:g:c")).toBe("1");
      expect(await count("user:discord:v")).toBeNull();
    } finally {
      connection.disconnect();
    }
  });

  it("rejects a malformed limit with a readable configuration error", () => {
    expect(() => loadConfig({ QUOTA_TURNS_PER_HOUR: "users=5" })).toThrow(
      /QUOTA_TURNS_PER_HOUR.*scope=number/,
    );
  });
});
