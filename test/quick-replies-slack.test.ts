import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSlackMessage } from "./fakes/slack/fake-slack-api.js";
import {
  appMention,
  blockActionsBody,
  blockActionsPayload,
  eventCallbackBody,
} from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: SlackBot;

beforeAll(async () => {
  bot = await SlackBot.start({ redisUrl: redis.url });
  bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  bot.fake.users.set("U2", { name: "bob", locale: "en-US" });
  bot.fake.users.set("U3", { name: "lin", locale: "zh-CN" });
});
afterAll(async () => {
  await bot?.dispose();
});

const runSse = (text: string) => bot.sim!.requests.filter((r) => r.path === "/run_sse" && r.message === text);

interface QuickElement {
  type: string;
  action_id: string;
  text?: { text: string };
  value?: string;
  options?: { text: { text: string }; value: string }[];
}

/** The quick-reply block of a message as shown now: label → value. */
function quickReplies(message: FakeSlackMessage): Map<string, string> {
  const blocks = (message.blocks ?? []) as { block_id?: string; elements?: QuickElement[] }[];
  const block = blocks.find((candidate) => candidate.block_id === "nemo_quick_replies");
  return new Map((block?.elements ?? []).map((element) => [element.text!.text, element.value!]));
}

/** Mentions the bot in `channel`; resolves to the thread and the answer once it shows `shown`. */
async function mention(channel: string, ts: string, user: string, text: string, shown: string) {
  await bot.sendJson(
    eventCallbackBody(appMention({ channel, user, text: `<@${BOT_USER}> ${text}`, ts }), {
      team: TEAM,
      eventId: `Ev${ts.replace(".", "")}`,
      botUserId: BOT_USER,
    }),
  );
  const answer = () =>
    bot.fake
      .thread(channel, ts)
      .find((message) => quickReplies(message).size > 0 && message.text.includes(shown));
  await bot.fake.waitFor(() => answer() !== undefined, 15_000, shown);
  return answer()!;
}

function click(fields: {
  channel: string;
  thread: string;
  message: string;
  user: string;
  value: string;
  actionTs: string;
}) {
  return bot.sendForm(
    blockActionsBody({
      team: TEAM,
      channel: fields.channel,
      user: fields.user,
      botUserId: BOT_USER,
      messageTs: fields.message,
      threadTs: fields.thread,
      actionId: "nemo_quick_reply",
      value: fields.value,
      actionTs: fields.actionTs,
      responseUrl: bot.responseUrl(`quick-${fields.actionTs}`),
    }),
  );
}

/** The notes only `user` sees in `channel` (`chat.postEphemeral`). */
const ephemeral = (channel: string, user: string): string[] =>
  bot.fake
    .callsOf("chat.postEphemeral")
    .filter((call) => call.params.channel === channel && call.params.user === user)
    .map((call) => String(call.params.text));

describe("quick replies on Slack (Bolt over signed HTTP, runtime, simulator, fake Slack)", () => {
  it("buttons; a click sends exactly that choice once from the clicker; a redelivery and a second click send nothing", async () => {
    const thread = "1700300000.000100";
    const answer = await mention(
      "C300",
      thread,
      "U1",
      "make a video about my cat in any style",
      "Which style",
    );
    const choices = quickReplies(answer);
    expect([...choices.keys()]).toEqual(["Cinematic", "Anime", "Documentary"]);
    expect([...choices.values()].every((value) => /^q[\w-]{16}:\d$/.test(value))).toBe(true);

    const first = { channel: "C300", thread, message: answer.ts, user: "U2", value: choices.get("Anime")! };
    expect((await click({ ...first, actionTs: "1700300100.000001" })).status).toBe(200);
    await bot.fake.waitFor(
      () => bot.fake.thread("C300", thread).some((message) => message.text.includes("Music and title added")),
      15_000,
      "generated",
    );
    expect(runSse("Anime")).toHaveLength(1);
    // Spoken by the clicker (Bob), in the thread of the answer: a turn like any other.
    const turns = await bot.runtime!.services.queues.turn.getJobs(["completed", "active", "waiting"]);
    const turn = turns.find((job) => job.data.text === "Anime")!;
    expect(turn.data).toMatchObject({ userId: "U2", refKey: expect.stringContaining(thread) });
    // The answer shows the choice taken, without its buttons.
    await bot.fake.waitFor(
      () => bot.fake.thread("C300", thread).some((message) => message.text.includes("➡️ bob answered: Anime")),
      5_000,
      "edited answer",
    );
    const edited = bot.fake.thread("C300", thread).find((message) => message.ts === answer.ts)!;
    expect(quickReplies(edited).size).toBe(0);

    // Slack redelivers the same click (same action_ts, same user): the intake takes it once.
    expect((await click({ ...first, actionTs: "1700300100.000001" })).status).toBe(200);
    await bot.waitHandled("act-1700300100.000001-U2", 2);
    // Alice clicks another choice of the answered question: told privately, nothing sent.
    await click({ ...first, user: "U1", value: choices.get("Documentary")!, actionTs: "1700300200.000001" });
    await bot.fake.waitFor(() => ephemeral("C300", "U1").length > 0, 5_000, "private note");
    expect(ephemeral("C300", "U1")).toEqual(["This question was already answered."]);
    expect(runSse("Anime")).toHaveLength(1);
    expect(runSse("Documentary")).toHaveLength(0);
  });

  it("a value replayed into another thread is refused", async () => {
    const here = "1700310000.000100";
    const there = "1700310001.000100";
    const answer = await mention("C310", here, "U1", "create a clip about the sea, any style", "Which style");
    const other = await mention("C311", there, "U1", "make a clip about rain, any style", "Which style");
    const value = quickReplies(answer).get("Cinematic")!;
    await click({
      channel: "C311",
      thread: there,
      message: other.ts,
      user: "U1",
      value,
      actionTs: "1700310100.000001",
    });
    await bot.fake.waitFor(() => ephemeral("C311", "U1").length > 0, 5_000, "refusal");
    expect(ephemeral("C311", "U1")).toEqual(["That belongs to another thread, so it does nothing here."]);
    expect(runSse("Cinematic")).toHaveLength(0);
  });

  it("Chinese, picked from a select menu: the choice is sent in Chinese and the answer notes it in Chinese", async () => {
    const thread = "1700320000.000100";
    const answer = await mention("C320", thread, "U3", "做一个关于猫的视频，风格随意", "你想要哪种风格");
    const choices = quickReplies(answer);
    expect([...choices.keys()]).toEqual(["电影感", "动漫", "纪录片"]);
    // A `static_select` (what more than five choices become) carries the same value as the button.
    const payload = blockActionsPayload({
      team: TEAM,
      channel: "C320",
      user: "U3",
      botUserId: BOT_USER,
      messageTs: answer.ts,
      threadTs: thread,
      actionId: "nemo_quick_reply",
      actionTs: "1700320100.000001",
      responseUrl: bot.responseUrl("quick-1700320100.000001"),
    });
    payload.actions = [
      {
        type: "static_select",
        action_id: "nemo_quick_reply",
        block_id: "nemo_quick_replies",
        selected_option: { text: { type: "plain_text", text: "动漫" }, value: choices.get("动漫") },
        action_ts: "1700320100.000001",
      },
    ];
    const response = await bot.sendForm(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(response.status).toBe(200);
    await bot.fake.waitFor(
      () => bot.fake.thread("C320", thread).some((message) => message.text.includes("➡️ lin 回答：动漫")),
      15_000,
      "edited answer",
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C320", thread).some((message) => message.text.includes("视频已生成")),
      15_000,
      "generated",
    );
    expect(runSse("动漫")).toHaveLength(1);
  });
});
