import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

// A turn job's first run reads no sent marker up front (none of its runs claimed one). A message whose
// marker exists all the same (its work added again under the same id once the first job was gone) is
// still never sent again, nor answered again without sending.
const redis = useRedisServer();
let bot: BotFixture | undefined;
let admin: Redis;
beforeAll(() => {
  admin = new Redis(redis.url);
});
afterAll(() => admin.disconnect());
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const runSse = (fixture: BotFixture) => fixture.sim.requests.filter((r) => r.path === "/run_sse").length;

/** An answered marker for `id`, as a first job's answer left it. */
async function answeredBefore(fixture: BotFixture, id: string): Promise<void> {
  const marker = { sessionId: "earlier", before: null, at: Date.now(), answered: true };
  await admin.set(fixture.runtime.services.keys.sent(id), JSON.stringify(marker), "EX", 600);
}

/** Resolves once `count` turn jobs completed. */
async function turnsCompleted(fixture: BotFixture, count: number): Promise<void> {
  const queue = fixture.runtime.services.queues.turn;
  await vi.waitFor(async () => expect(await queue.getCompletedCount()).toBeGreaterThanOrEqual(count), {
    timeout: 15_000,
    interval: 20,
  });
}

describe("a turn's first run and its sent marker", () => {
  it("a message answered before is not sent again: its claim finds the marker", async () => {
    bot = await startBot(redis.url);
    const id = randomUUID();
    await answeredBefore(bot, id);
    await bot.say("A", "hello", { id });
    await turnsCompleted(bot, 1);
    expect(runSse(bot)).toBe(0);
    // Nothing left to do: no answer, and no recovery of a message whose answer was posted long ago.
    expect(bot.messenger.transcript(bot.ref("A"))).toBe("⏳ On it…");
  });

  it("a message answered before is not answered again by the credits guard", async () => {
    const sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, generationCost: 100 });
    const account = sim.createAccount({ balance: 60 });
    try {
      bot = await startBot(redis.url, {
        simulator: sim,
        env: { NEMO_TOKEN: account.token, NEMO_BILLING_URL: "https://web.example/pricing" },
      });
      const id = randomUUID();
      await answeredBefore(bot, id);
      await bot.say("B", "generate a video of a volcano", { id });
      await turnsCompleted(bot, 1);
      expect(runSse(bot)).toBe(0);
      const links = bot.messenger.thread(bot.ref("B")).flatMap((reply) => reply.links ?? []);
      expect(links).toEqual([]);
    } finally {
      await bot?.dispose();
      bot = undefined;
      await sim.close();
    }
  });
});
