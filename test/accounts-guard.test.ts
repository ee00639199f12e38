import { afterEach, describe, expect, it } from "vitest";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { text } from "../src/core/conversation/texts.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { replyText } from "./helpers/recording-messenger.js";
import { dumpKeys } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

/** Every key and value under the bot's prefix, as one string (hashes, lists, strings, sets, streams). */
async function dumpRedis(fixture: BotFixture, keep: (key: string) => boolean = () => true): Promise<string> {
  const dumped = await dumpKeys(fixture.runtime.services.redis, `{${fixture.prefix}}:*`);
  return dumped
    .filter(({ key }) => keep(key))
    .flatMap(({ key, value }) => [key, value])
    .join("\n");
}

function everything(fixture: BotFixture): string {
  return fixture.messenger.messages
    .flatMap((message) => message.versions)
    .map((reply) => `${replyText(reply)} ${JSON.stringify(reply)}`)
    .join("\n");
}

const runSse = (fixture: BotFixture) => fixture.sim.requests.filter((r) => r.path === "/run_sse").length;

describe("a token pasted in a chat", () => {
  it("is never forwarded or kept, and the sender is told to revoke it", async () => {
    bot = await startBot(redis.url);
    const secret = "nmv_usr_PastedByMistake0123456789";
    await bot.say("t1", `here is my key ${secret} please use it`);
    const ref = bot.ref("t1");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(ref).includes("revoke it"),
      10_000,
      "warning",
    );
    expect(runSse(bot)).toBe(0);
    expect(bot.sim.requests.some((r) => JSON.stringify(r).includes(secret))).toBe(false);
    expect(everything(bot)).not.toContain(secret);
    expect(await dumpRedis(bot)).not.toContain(secret);
  });
});

describe("Open in NemoVideo", () => {
  it("is a fresh claim link (ct=clm_…) each time, kept nowhere in Redis; CLAIM_LINKS=public posts it with the video", async () => {
    bot = await startBot(redis.url, { env: { CLAIM_LINKS: "public" } });
    const ref = bot.ref("c1");
    await bot.say("c1", "generate a video of a lighthouse");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(ref).includes("Music and title added"),
      15_000,
      "generation",
    );
    const links = async (count: number) => {
      await bot!.click("c1", "export");
      await bot!.messenger.waitFor(
        () => bot!.messenger.thread(ref).filter((reply) => reply.video).length >= count,
        15_000,
        `export ${count}`,
      );
      return bot!.messenger.thread(ref).filter((reply) => reply.video)[count - 1]!.links ?? [];
    };
    const [first] = await links(1);
    const [second] = await links(2);
    expect(first!.url).toMatch(/^https:\/\/web\.example\/workspace\/claim\?ct=clm_[\w-]+$/);
    expect(second!.url).toMatch(/ct=clm_/);
    expect(second!.url).not.toBe(first!.url);
    expect(bot.sim.requests.filter((r) => r.path === "/api/auth/claim-token")).toHaveLength(2);
    const ct = new URL(first!.url).searchParams.get("ct")!;
    expect(bot.sim.claim(ct)?.sessionId).toBe(bot.sim.sessions()[0]);
    // Public mode gives no private copy; and the bot keeps no claim token in its own keys (the public
    // message itself waits in the outbox's delivery job, like any message posted in the thread).
    expect(bot.messenger.directReplies).toEqual([]);
    expect(await dumpRedis(bot, (key) => !key.includes(":deliver:"))).not.toMatch(/clm_/);
    expect(everything(bot)).not.toMatch(/nmv_/);
  });
});

describe("the anonymous account's bind link", () => {
  it("never reaches a thread: members are told to ask the operator", async () => {
    // Guard off: the message reaches the backend, whose 2001 carries the anonymous account's bind id.
    bot = await startBot(redis.url, { sim: { credits: 0 }, env: { CREDITS_GUARD_THRESHOLD: "0" } });
    const ref = bot.ref("b1");
    await bot.say("b1", "generate a video of a forest");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(ref).includes(text("en", "error_out_of_credits_shared")),
      15_000,
      "out of credits",
    );
    expect(everything(bot)).not.toMatch(/register|bind/i);
  });
});

describe("an operator who asks for credits", () => {
  it("gets the anonymous account's bind link privately; a place admin and a member get the balance only", async () => {
    bot = await startBot(redis.url);
    const fixture = bot;
    const ref = bot.ref("a1");
    const credits = () =>
      fixture.messenger.thread(ref).filter((reply) => replyText(reply).startsWith("Credits:"));
    await bot.say("a1", "credits", { user: { id: "member" }, privateReplyTo: "to-member" });
    await bot.messenger.waitFor(() => credits().length === 1, 10_000, "member's credits");
    await bot.say("a1", "credits", { user: { id: "boss", admin: true }, privateReplyTo: "to-boss" });
    await bot.messenger.waitFor(() => credits().length === 2, 10_000, "admin's credits");
    // The console's own user is the operator.
    await bot.say("a1", "credits", { user: { id: "local" }, privateReplyTo: "to-operator" });
    await bot.messenger.waitFor(() => fixture.messenger.privateReplies.length === 1, 10_000, "operator note");
    const [note] = bot.messenger.privateReplies;
    expect(note!.address).toBe("to-operator");
    expect(note!.reply.links?.[0]?.url).toMatch(/^https:\/\/web\.example\/register\?bind=\w+/);
    expect(credits()).toHaveLength(3);
    expect(everything(bot)).not.toMatch(/bind|register/i);
  });
});

describe("the credits guard", () => {
  it("holds a likely generation under the threshold: Continue sends it, Cancel drops it", async () => {
    const sim = await import("../src/simulator/index.js").then((m) =>
      m.startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, generationCost: 100 }),
    );
    const account = sim.createAccount({ balance: 250 });
    bot = await startBot(redis.url, {
      simulator: sim,
      env: { NEMO_TOKEN: account.token, CREDITS_GUARD_THRESHOLD: "300" },
    });
    try {
      const ref = bot.ref("g1");
      const fixture = bot;
      const question = () =>
        fixture.messenger.thread(ref).find((reply) => reply.actions?.some((a) => a.kind === "continue"));
      const asked = await bot.say("g1", "generate a video of a sunrise");
      await bot.messenger.waitFor(() => question() !== undefined, 10_000, "guard question");
      expect(replyText(question()!)).toContain("250");
      expect(replyText(question()!)).toContain("100");
      expect(runSse(bot)).toBe(0);
      const cont = question()!.actions!.find((a) => a.kind === "continue")!;
      expect(cont.arg).toBe(asked.id);
      // Another member (not the sender, owner or an admin) may neither continue nor cancel it.
      for (const kind of ["continue", "drop"] as const) {
        await bot.say("g1", "", { user: { id: "u2" }, action: { kind, arg: cont.arg } });
      }
      await bot.messenger.waitFor(
        () => fixture.messenger.transcript(ref).split(text("en", "guard_not_yours")).length === 3,
        10_000,
        "refusals",
      );
      expect(runSse(bot)).toBe(0);
      expect(fixture.messenger.transcript(ref)).not.toContain(text("en", "credits_guard_dropped"));
      await bot.click("g1", "continue", cont.arg);
      await bot.messenger.waitFor(
        () => fixture.messenger.transcript(ref).includes("Music and title added"),
        15_000,
        "generation after Continue",
      );
      expect(runSse(bot)).toBe(1);
      // The same Continue again sends nothing more.
      await bot.click("g1", "continue", cont.arg);
      await bot.messenger.waitFor(() => fixture.messenger.transcript(ref).includes(text("en", "retry_used")));
      expect(runSse(bot)).toBe(1);

      const ref2 = bot.ref("g2");
      await bot.say("g2", "make a video of the sea");
      const question2 = () =>
        fixture.messenger.thread(ref2).find((reply) => reply.actions?.some((a) => a.kind === "drop"));
      await bot.messenger.waitFor(() => question2() !== undefined, 10_000, "second guard question");
      await bot.click("g2", "drop", question2()!.actions!.find((a) => a.kind === "drop")!.arg);
      await bot.messenger.waitFor(() =>
        fixture.messenger.transcript(ref2).includes(text("en", "credits_guard_dropped")),
      );
      expect(runSse(bot)).toBe(1);
      expect(
        await fixture.runtime.services.redis.exists(
          fixture.runtime.services.keys.inbound(question2()!.actions![0]!.arg!),
        ),
      ).toBe(0);
      expect(refKey(ref2)).toContain("g2");
    } finally {
      await sim.close();
    }
  });

  it("refuses under the estimate, pointing a registered account at the billing page", async () => {
    const sim = await import("../src/simulator/index.js").then((m) =>
      m.startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, generationCost: 100 }),
    );
    const account = sim.createAccount({ balance: 60 });
    bot = await startBot(redis.url, {
      simulator: sim,
      env: { NEMO_TOKEN: account.token, NEMO_BILLING_URL: "https://web.example/pricing" },
    });
    try {
      const ref = bot.ref("r1");
      const fixture = bot;
      await bot.say("r1", "generate a video of a volcano");
      await bot.messenger.waitFor(
        () =>
          fixture.messenger
            .thread(ref)
            .some((reply) => reply.links?.some((l) => l.url === "https://web.example/pricing")),
        10_000,
        "refusal with billing link",
      );
      expect(fixture.messenger.transcript(ref)).toContain("60");
      expect(runSse(bot)).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
