import { afterEach, describe, expect, it } from "vitest";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

describe("an answer longer than MAX_ANSWER_CHARS", () => {
  it("is cut at the cap, with a note saying so", async () => {
    bot = await startBot(redis.url, { env: { MAX_ANSWER_CHARS: "100" } });
    const fixture = bot;
    await fixture.say("T", "please describe in detail what you can do for my lighthouse video project");
    await fixture.messenger.waitFor(
      () => fixture.messenger.thread(fixture.ref("T")).some((reply) => reply.text?.includes("cut here")),
      15_000,
      "the cut answer",
    );
    const answer = fixture.messenger
      .thread(fixture.ref("T"))
      .find((reply) => reply.text?.includes("cut here"))!;
    const [said, note] = answer.text!.split("\n\n");
    expect(said!.length).toBeLessThanOrEqual(100);
    expect(said).toMatch(/^You said: "please describe/);
    expect(note).toBe("✂️ The answer was longer than 100 characters and was cut here.");
  });
});
