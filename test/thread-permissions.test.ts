import { afterEach, describe, expect, it } from "vitest";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const DAY_S = 24 * 3600;
let bot: BotFixture | undefined;

afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const sent = (fixture: BotFixture) => fixture.sim.requests.filter((r) => r.message !== undefined).length;
const said = (fixture: BotFixture, thread: string, words: string) =>
  fixture.messenger.waitFor(
    () => fixture.messenger.transcript(fixture.ref(thread)).includes(words),
    15_000,
    `"${words}" in ${thread}`,
  );

/** A message in `thread` whose send failed before reaching the backend: its Retry id. */
async function failedWithRetry(fixture: BotFixture, thread: string, text: string): Promise<string> {
  fixture.sim.inject("run_sse", { kind: "status", status: 429 }, 2);
  await fixture.say(thread, text);
  await fixture.messenger.waitFor(() =>
    fixture.messenger
      .thread(fixture.ref(thread))
      .some((reply) => reply.actions?.some((a) => a.kind === "retry")),
  );
  const reply = fixture.messenger
    .thread(fixture.ref(thread))
    .find((r) => r.actions?.some((a) => a.kind === "retry"));
  return reply!.actions!.find((action) => action.kind === "retry")!.arg!;
}

describe("every command is bound to its thread", () => {
  it("a Retry replayed or typed in another thread reaches nothing; the owner's Retry sends once", async () => {
    bot = await startBot(redis.url);
    const retryId = await failedWithRetry(bot, "A", "hello");
    const before = sent(bot);
    await bot.click("B", "retry", retryId);
    await bot.say("B", `/retry ${retryId}`);
    await bot.messenger.waitFor(
      () =>
        bot!.messenger.thread(bot!.ref("B")).filter((r) => r.text?.includes("another thread")).length === 2,
    );
    // A member who neither sent it nor owns the thread may not send it again either.
    await bot.say("A", `/retry ${retryId}`, { user: { id: "u2" } });
    await said(bot, "A", "Only the member who started this thread");
    expect(sent(bot)).toBe(before);
    await bot.click("A", "retry", retryId);
    await said(bot, "A", "You said");
    expect(sent(bot)).toBe(before + 1);
  });

  it("Retry is refused once the message was answered", async () => {
    bot = await startBot(redis.url);
    const message = await bot.say("A", "hello");
    await said(bot, "A", "You said");
    const before = sent(bot);
    await bot.click("A", "retry", message.id);
    await said(bot, "A", "can't be sent again");
    expect(sent(bot)).toBe(before);
  });

  it("Retry is refused while the message waits or may have been sent", async () => {
    bot = await startBot(redis.url);
    await bot.sim.startOutage();
    const message = await bot.say("A", "hello");
    await bot.click("A", "retry", message.id);
    await said(bot, "A", "still waiting or being worked on");
    await bot.sim.endOutage();
    await said(bot, "A", "You said");
    expect(bot.sim.requests.filter((r) => r.message === "hello")).toHaveLength(1);
  });

  it("a Cancel of another thread's message is refused and leaves it alone", async () => {
    bot = await startBot(redis.url);
    await bot.sim.startOutage();
    await bot.say("A", "first");
    const waiting = await bot.say("A", "second");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("A")).includes("ahead"));
    await bot.click("B", "cancel", waiting.id);
    await said(bot, "B", "another thread");
    await bot.sim.endOutage();
    await said(bot, "A", 'You said: "second"');
  });
});

describe("thread ownership", () => {
  it("a non-owner's New and Cancel are refused; the owner's and an admin's are accepted", async () => {
    bot = await startBot(redis.url);
    await bot.say("O", "hello");
    await said(bot, "O", "You said");
    await bot.say("O", "new project", { user: { id: "u2" } });
    await said(bot, "O", "Only the member who started this thread");
    await bot.say("O", "new project", { user: { id: "u3", admin: true } });
    await said(bot, "O", "Started a fresh project");
    await bot.say("O", "new project");
    await bot.messenger.waitFor(
      () =>
        bot!.messenger.thread(bot!.ref("O")).filter((r) => r.text?.includes("Started a fresh")).length === 2,
    );

    // Someone else's waiting message: refused for a member, accepted for the owner.
    await bot.sim.startOutage();
    await bot.say("O", "running");
    const waiting = await bot.say("O", "waiting", { user: { id: "u2" } });
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("O")).includes("ahead"));
    // The owner (u1) cancels u2's message.
    await bot.click("O", "cancel", waiting.id);
    await said(bot, "O", "Cancelled your queued message");
    await bot.sim.endOutage();
    await said(bot, "O", 'You said: "running"');
    expect(bot.sim.requests.filter((r) => r.message === "waiting")).toHaveLength(0);
  });

  it("a member's Cancel of the owner's waiting message is refused", async () => {
    bot = await startBot(redis.url);
    await bot.sim.startOutage();
    await bot.say("O", "running");
    const waiting = await bot.say("O", "waiting");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("O")).includes("ahead"));
    await bot.say("O", `/cancel ${waiting.id}`, { user: { id: "u2" } });
    await said(bot, "O", "Only the member who started this thread");
    await bot.sim.endOutage();
    await said(bot, "O", 'You said: "waiting"');
  });
});

describe("ownership stays with an active owner", () => {
  it("the owner's activity renews it, others' does not; after the owner's quiet period the next sender owns it", async () => {
    bot = await startBot(redis.url);
    const { redis: connection, keys } = bot.runtime.services;
    const key = keys.owner(refKey(bot.ref("W")));
    await bot.say("W", "hello");
    await said(bot, "W", "You said");
    expect(await connection.get(key)).toBe("u1");
    // Days later, with ten days left: another member's message keeps the owner and its deadline…
    await connection.expire(key, 10 * DAY_S);
    await bot.say("W", "me too", { user: { id: "u2" } });
    await said(bot, "W", 'You said: "me too"');
    expect(await connection.get(key)).toBe("u1");
    expect(await connection.ttl(key)).toBeLessThanOrEqual(10 * DAY_S);
    // …the owner's own message renews it for the whole quiet period.
    await bot.say("W", "still here");
    await said(bot, "W", 'You said: "still here"');
    expect(await connection.ttl(key)).toBeGreaterThan(29 * DAY_S);
    // The owner stayed quiet that long (the key expired): the next sender owns the thread.
    await connection.del(key);
    await bot.say("W", "new project", { user: { id: "u2" } });
    await said(bot, "W", "Started a fresh project");
    expect(await connection.get(key)).toBe("u2");
  });
});
