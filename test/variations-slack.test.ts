import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackApi, type FakeSlackMessage } from "./fakes/slack/fake-slack-api.js";
import { appMention, blockActionsBody, eventCallbackBody, messageEvent } from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: SlackBot;

beforeAll(async () => {
  bot = await SlackBot.start({
    redisUrl: redis.url,
    sim: { credits: 5_000 },
    // One stream at a time per member: the variations take turns for it.
    env: { QUOTA_GENERATIONS_PER_DAY: "user=1000", QUOTA_RUNNING_TURNS_PER_USER: "1" },
  });
  bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  bot.fake.users.set("U2", { name: "bob", locale: "en-US" });
});
afterAll(async () => {
  await bot?.dispose();
});

interface SlackButton {
  action_id: string;
  value?: string;
}

const event = (id: string, body: Record<string, unknown>) =>
  eventCallbackBody(body, { team: TEAM, eventId: id, botUserId: BOT_USER });
const buttonsOf = (message: FakeSlackMessage): SlackButton[] =>
  ((message.blocks ?? []) as { type: string; elements?: SlackButton[] }[])
    .filter((block) => block.type === "actions")
    .flatMap((block) => block.elements ?? []);
const withButton = (channel: string, ts: string, kind: string) =>
  bot.fake
    .thread(channel, ts)
    .filter((m) => buttonsOf(m).some((b) => b.action_id.startsWith(`nemo_${kind}`)));
const button = (message: FakeSlackMessage, kind: string) =>
  buttonsOf(message).find((b) => b.action_id.startsWith(`nemo_${kind}`))!;
const newSessions = () => bot.sim!.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent")).length;
let clicks = 0;
/** A click on `b` of `message` in the thread `ts` of C300, by `user`; resolves to its response_url name. */
async function click(message: FakeSlackMessage, b: SlackButton, user: string, ts = THREAD): Promise<string> {
  clicks += 1;
  const name = `click-${clicks}`;
  await bot.sendForm(
    blockActionsBody({
      team: TEAM,
      channel: "C300",
      user,
      botUserId: BOT_USER,
      messageTs: message.ts,
      threadTs: ts,
      actionId: b.action_id,
      ...(b.value === undefined ? {} : { value: b.value }),
      actionTs: `1700009000.${String(clicks).padStart(6, "0")}`,
      responseUrl: bot.responseUrl(name),
    }),
  );
  return name;
}
/** What `user` was told privately (ephemeral notes). */
const toldPrivately = (user: string) =>
  bot.fake.calls
    .filter((call) => call.method === "chat.postEphemeral" && call.params.user === user)
    .map((call) => String(call.params.text));

const THREAD = "1700008000.000100";
const PROMPT = "generate a video of a lighthouse in a storm";

describe("Variations on Slack (Bolt over HTTP, runtime, simulator, fake Slack)", () => {
  it("🎲 → one confirmation → Start → 3 sessions → one message with the 3 videos → Continue with #3", async () => {
    const { fake } = bot;
    await bot.sendJson(
      event(
        "EvVar1",
        appMention({ channel: "C300", user: "U1", text: `<@${BOT_USER}> ${PROMPT}`, ts: THREAD }),
      ),
    );
    await fake.waitFor(() => withButton("C300", THREAD, "variations").length > 0, 15_000, "🎲 on the answer");
    const answer = withButton("C300", THREAD, "variations")[0]!;
    expect(buttonsOf(answer).map((b) => b.action_id)).toEqual(
      expect.arrayContaining(["nemo_export", "nemo_timeline", "nemo_variations"]),
    );

    // Bob is a member, not the thread's owner nor an admin: refused privately, nothing asked.
    await click(answer, button(answer, "variations"), "U2");
    await fake.waitFor(() => toldPrivately("U2").length > 0, 10_000, "Bob refused");
    expect(toldPrivately("U2")[0]).toContain("Only the member who started this thread");
    expect(withButton("C300", THREAD, "variations_confirm")).toHaveLength(0);

    const sessionsBefore = newSessions();
    await click(answer, button(answer, "variations"), "U1");
    await fake.waitFor(
      () => withButton("C300", THREAD, "variations_confirm").length > 0,
      10_000,
      "confirmation",
    );
    const confirmation = withButton("C300", THREAD, "variations_confirm")[0]!;
    expect(FakeSlackApi.visible(confirmation)).toMatch(/Make 3 variations.*about 300 credits/);
    expect(FakeSlackApi.visible(confirmation)).toMatch(/Balance: \d+ credits/);
    await click(confirmation, button(confirmation, "variations_confirm"), "U1");
    await click(confirmation, button(confirmation, "variations_confirm"), "U1");
    await fake.waitFor(() => withButton("C300", THREAD, "choose_variation").length > 0, 20_000, "gallery");
    await fake.waitFor(
      () => toldPrivately("U1").some((t) => t.includes("already started")),
      10_000,
      "2nd Start",
    );
    const gallery = withButton("C300", THREAD, "choose_variation")[0]!;
    const choices = buttonsOf(gallery).filter((b) => b.action_id.startsWith("nemo_choose_variation"));
    // Three buttons of one kind in one block: each action_id is unique there, as Slack requires.
    expect(choices.map((b) => b.action_id)).toEqual([
      "nemo_choose_variation",
      "nemo_choose_variation-2",
      "nemo_choose_variation-3",
    ]);
    const urls = FakeSlackApi.visible(gallery).match(/http:\/\/127\.0\.0\.1:\d+\/files\/gen_\w+\.mp4/g) ?? [];
    expect(new Set(urls).size).toBe(3);
    expect(withButton("C300", THREAD, "choose_variation")).toHaveLength(1);
    // Exactly 3 new sessions, each sent the prompt once (a second Start started nothing).
    expect(newSessions()).toBe(sessionsBefore + 3);
    const sends = bot.sim!.requests.filter((r) => r.path === "/run_sse" && r.message === PROMPT);
    expect(sends).toHaveLength(4);
    expect(new Set(sends.map((r) => r.sessionId)).size).toBe(4);
    // The member's running limit (1) holds for variations too: each stream (≥ 50 ms of generation in the
    // simulator) started after the previous one ended.
    const starts = sends.slice(1).map((r) => r.at);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(50);

    await click(gallery, choices[2]!, "U1");
    await fake.waitFor(
      () =>
        fake
          .thread("C300", THREAD)
          .some((m) => FakeSlackApi.visible(m).includes("Continuing with variation 3")),
      10_000,
      "chosen",
    );
    const third = sends.find((r) => [...new Set(urls)][2]!.includes(r.sessionId ?? "?"))!;
    fake.addMessage("C300", { ts: THREAD, user: "U1", text: `<@${BOT_USER}> ${PROMPT}` });
    await bot.sendJson(
      event(
        "EvVar2",
        messageEvent({
          channel: "C300",
          channelType: "channel",
          user: "U1",
          text: "make the title blue",
          ts: "1700008100.000100",
          threadTs: THREAD,
          parentUserId: "U1",
        }),
      ),
    );
    await fake.waitFor(
      () => bot.sim!.requests.some((r) => r.message === "make the title blue"),
      10_000,
      "the next message",
    );
    expect(bot.sim!.requests.find((r) => r.message === "make the title blue")!.sessionId).toBe(
      third.sessionId,
    );
    if (process.env.SHOW_TRANSCRIPT)
      console.log(
        fake
          .thread("C300", THREAD)
          .map((m) => FakeSlackApi.visible(m))
          .join("\n---\n"),
      );
  });
});
