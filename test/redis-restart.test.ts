import { describe, expect, it } from "vitest";
import { startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

describe("Redis restarted mid-conversation", () => {
  it("loses no message: every queued message is answered, in order, once", async () => {
    const bot = await startBot(redis.url, { sim: { latencyMs: 60 } });
    try {
      const texts = ["one", "two", "three", "four"];
      for (const text of texts) await bot.say("main", text);
      await bot.messenger.waitFor(
        () => bot.messenger.thread(bot.ref("main")).some((reply) => reply.text?.includes('"one"')),
        15_000,
        "the first answer",
      );
      await redis.kill();
      await redis.launch();
      await bot.say("main", "five");
      await bot.messenger.waitFor(
        () =>
          bot.messenger.thread(bot.ref("main")).filter((reply) => reply.text?.startsWith("You said"))
            .length === 5,
        30_000,
        "all five answers",
      );
      const record = await bot.runtime.services.sessions.find(bot.ref("main"));
      const sent = bot.sim.requests
        .filter((request) => request.path === "/run_sse" && request.sessionId === record?.sessionId)
        .map((request) => request.message);
      expect(sent).toEqual([...texts, "five"]);
    } finally {
      await bot.dispose();
    }
  }, 60_000);
});
