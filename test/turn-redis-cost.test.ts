import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keys } from "../src/store/keys.js";
import { RedisConversationStore } from "../src/store/redis-conversation-store.js";
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

/** The server's own CPU time so far (`INFO cpu`: user + system, main thread included), in ms. */
async function serverCpuMs(): Promise<number> {
  const info = await admin.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000;
}

const TURNS = 20;
/** BullMQ's own keys: `{prefix}:<queue>:…` (the bot's keys never start with a queue's name). */
const QUEUE_KEY = /^\{[^}]+\}:(turn|upload|export|deliver|command):/;

const perTurn = (calls: Map<string, number>) =>
  [...calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([command, n]) => `${command} ${(n / TURNS).toFixed(1)}`)
    .join(", ");
const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0) / TURNS;

describe("Redis work of one turn (shipped defaults: quotas and usage on)", () => {
  it("costs at most a bound of Redis commands per turn (BullMQ's and the bot's own), printed by command", async () => {
    // MONITOR starts before the bot does, while the server is quiet: ioredis fails ("Command queue state
    // error") when monitored lines arrive in the same read as MONITOR's own reply.
    const watcher = await new Redis(redis.url, { lazyConnect: true }).monitor();
    const monitor: { stop(): void } | undefined = { stop: () => watcher.disconnect() };
    const bot = await startBot(redis.url).catch((error: unknown) => {
      monitor.stop();
      throw error;
    });
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
      // The bot's own commands, by the keys they name (MONITOR lists a script's own commands too).
      const own = new Map<string, number>();
      let watching = false;
      const exportPolls = /exports:due/;
      watcher.on("monitor", (_time: string, args: string[]) => {
        if (!watching || args.some((arg) => QUEUE_KEY.test(arg))) return;
        if (!args.some((arg) => arg.startsWith(`{${bot.prefix}}`)) || args.some((a) => exportPolls.test(a)))
          return;
        const command = (args[0] ?? "").toLowerCase();
        own.set(command, (own.get(command) ?? 0) + 1);
      });
      polls = 0; // the ZCARDs of the warm-up ran before `before`: only later ones are the test's own
      watching = true;
      const before = await commandCalls();
      const cpuBefore = await serverCpuMs();
      const threads = Array.from({ length: TURNS }, (_, i) => `t${i}`);
      // One member per thread: the running-turns limit (2 per member) stays out of the way.
      await Promise.all(threads.map((thread, i) => bot.say(thread, "hello", { user: { id: `m${i}` } })));
      await done(TURNS + 1);
      const after = await commandCalls();
      const cpu = (await serverCpuMs()) - cpuBefore;
      watching = false;
      for (const thread of threads) expect(bot.messenger.transcript(bot.ref(thread))).toContain("You said");
      const delta = new Map<string, number>();
      for (const [command, calls] of after) {
        const made = calls - (before.get(command) ?? 0) - (command === "zcard" ? polls : 0);
        if (command !== "info" && made > 0) delta.set(command, made);
      }
      console.log(`Redis commands per turn: ${total(delta).toFixed(1)} (${perTurn(delta)})`);
      console.log(`… of them on the bot's own keys: ${total(own).toFixed(1)} (${perTurn(own)})`);
      // With MONITOR feeding a client: a figure of the counted batch, not of production.
      console.log(`Redis CPU per turn (MONITOR on): ${(cpu / TURNS).toFixed(2)} ms`);
      monitor.stop();
      // A second batch without MONITOR: the server's CPU per turn (noisy: a figure, not a bound).
      const cpuQuiet = await serverCpuMs();
      await Promise.all(threads.map((thread, i) => bot.say(thread, "again", { user: { id: `m${i}` } })));
      await done(2 * TURNS + 1);
      console.log(
        `Redis CPU per turn (MONITOR off): ${(((await serverCpuMs()) - cpuQuiet) / TURNS).toFixed(2)} ms`,
      );
      // Was 137 (quotas through rate-limiter-flexible: 37 commands per turn; usage 7) and 69 of the bot's own (MULTI/EXEC, naming no key, not counted there).
      // 91 before the bot's own went from 44 to 31 (below); 73 with LeanWorker's skipped empty fetches
      // (BullMQ's own about 45 → 41 per job in a batch like this one).
      expect(total(delta)).toBeLessThanOrEqual(76);
      // 38 before the permission table: + the owner's renewal (one script) and the cross-place usage hash
      // (one HINCRBY, one EXPIRE) that operators read: 44. Then 34: usage without totals or EXPIRE (5 → 2),
      // a new quota counter one SET and the running slot given back by one DECR (11 → 8), the owner's
      // claim without a script (3 → 2), no LPOS for work that joined at the head of its line, and
      // leaving from the head without a script (4 → 2). Then 32: a job's first run reads no work record
      // (it has none), and a progress message posted in its turn no message record for its final edit.
      // Then 31: nor its sent marker (none of its runs claimed one; the claim finds any other). A later
      // message of a thread: 29 (no account read, no session record written, its TTL renewed once a day).
      expect(total(own)).toBeLessThanOrEqual(31);
    } finally {
      monitor.stop();
      await bot.dispose();
    }
  }, 60_000);
});

describe("a thread's session record", () => {
  it("keeps its TTL through later uses of the same day: the first use of a day renews it (EXPIRE)", async () => {
    const keys = new Keys(`c${randomUUID().slice(0, 8)}`);
    const store = new RedisConversationStore(admin, keys, 1_000);
    const key = keys.conversation("t");
    const now = Date.now();
    const record = { sessionId: "s", taskId: "k", language: "en", platform: "console" as const };
    await store.put("t", { ...record, createdAt: now, usedAt: now });
    await admin.expire(key, 500); // as the day's first use left it
    await store.touch("t", undefined, now);
    expect(await admin.ttl(key)).toBeLessThanOrEqual(500);
    await store.touch("t", "f1", now - 86_400_000); // the last use was yesterday
    expect(await admin.ttl(key)).toBeGreaterThan(500);
    expect(await store.get("t")).toMatchObject({ fingerprint: "f1", createdAt: now });
  });
});
