import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let admin: Redis;

beforeAll(() => {
  admin = new Redis(redis.url);
});
afterAll(() => {
  admin.disconnect();
});

/** `INFO commandstats` of the test's own redis-server: command → calls (Lua-internal ones too). */
async function commandCalls(): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await admin.info("commandstats")).split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match?.[1] && match[2]) calls.set(match[1], Number(match[2]));
  }
  return calls;
}

const TURNS = 20;

describe("Redis work of one turn (shipped defaults: quotas and usage on)", () => {
  it("costs at most a bound of Redis commands per turn, printed by command", async () => {
    const bot = await startBot(redis.url);
    try {
      await bot.say("warm", "hello");
      await bot.messenger.waitFor(() => bot.messenger.transcript(bot.ref("warm")).includes("You said"));
      const completed = `{${bot.prefix}}:turn:completed`;
      let polls = 0;
      const done = async (count: number) => {
        for (;;) {
          polls++;
          if ((await admin.zcard(completed)) >= count) return;
          await new Promise((resolve) => setTimeout(resolve, 20)); // polling with the test's timeout
        }
      };
      await done(1);
      const before = await commandCalls();
      const threads = Array.from({ length: TURNS }, (_, i) => `t${i}`);
      // One member per thread: the running-turns limit (2 per member) stays out of the way.
      await Promise.all(threads.map((thread, i) => bot.say(thread, "hello", { user: { id: `m${i}` } })));
      await done(TURNS + 1);
      for (const thread of threads) expect(bot.messenger.transcript(bot.ref(thread))).toContain("You said");
      const after = await commandCalls();
      const delta = new Map<string, number>();
      for (const [command, calls] of after) {
        const made = calls - (before.get(command) ?? 0) - (command === "zcard" ? polls : 0);
        if (command !== "info" && made > 0) delta.set(command, made);
      }
      const total = [...delta.values()].reduce((a, b) => a + b, 0) / TURNS;
      const breakdown = [...delta.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([command, calls]) => `${command} ${(calls / TURNS).toFixed(1)}`)
        .join(", ");
      console.log(`Redis commands per turn: ${total.toFixed(1)} (${breakdown})`);
      expect(total).toBeLessThanOrEqual(400);
    } finally {
      await bot.dispose();
    }
  }, 60_000);
});
