import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { text } from "../src/core/conversation/texts.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import {
  appMention,
  blockActionsBody,
  eventCallbackBody,
  messageEvent,
  slashCommandBody,
} from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { settledTurn } from "./helpers/settled-turn.js";

/*
 * Private mode through the real Bolt receiver against the fake Slack Web API and the simulator: U2 has
 * it on, U1 has not. Every call that shows something in a channel (posts, edits, streams, file shares,
 * `in_channel` responses) is scanned: only the short "working privately" note may be there.
 */

const redis = useRedisServer();
let bot: SlackBot;
const NOTE = text("en", "private_note");
const DM = "DU2";

beforeAll(async () => {
  // Generations long enough for a second message to wait behind one.
  bot = await SlackBot.start({
    redisUrl: redis.url,
    sim: { generationMs: 400 },
    env: { QUOTA_RUNNING_TURNS_PER_USER: "0" },
  });
  bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  bot.fake.users.set("U2", { name: "bob", locale: "en-US" });
  await bot.runtime!.services.settings.changeMember("slack", "U2", { privateResults: true });
});
afterAll(async () => {
  await bot?.dispose();
});

const event = (id: string, body: Record<string, unknown>) =>
  eventCallbackBody(body, { team: TEAM, eventId: id, botUserId: BOT_USER });

const SHOWN = ["chat.postMessage", "chat.update", "chat.startStream", "chat.appendStream", "chat.stopStream"];

/** What the bot showed in these channels, call by call (texts as sent; file shares' comments). */
function shownIn(...channels: string[]): string[] {
  return bot.fake.calls
    .filter((call) => channels.includes(String(call.params.channel ?? call.params.channel_id)))
    .filter((call) => SHOWN.includes(call.method) || call.method === "files.completeUploadExternal")
    .map((call) => `${String(call.params.text ?? call.params.initial_comment ?? "")}`);
}

/**
 * The public scan: every call showing something in the channel (since call number `since`) posts one of
 * the notes, never edited; no other post, edit, stream or file.
 */
function expectOnlyNotes(channel: string, notes: string[], since = 0): void {
  const calls = bot.fake.calls
    .slice(since)
    .filter((call) => (call.params.channel ?? call.params.channel_id) === channel);
  const shown = calls.filter((call) => SHOWN.includes(call.method) || call.method.startsWith("files."));
  const notesOnly = shown.filter(
    (call) => !(call.method === "chat.postMessage" && notes.includes(String(call.params.text))),
  );
  expect(notesOnly.map((call) => `${call.method} ${JSON.stringify(call.params)}`)).toEqual([]);
  for (const response of bot.fake.responses) {
    expect((response.body as Record<string, unknown>).response_type).not.toBe("in_channel");
  }
}

/** The app's DM with U2: opened by posting to the user id, then its `D…` id as Slack answered. */
const dmText = () => shownIn("U2", DM).join("\n");
const dmBlocks = () =>
  bot.fake.calls
    .filter((call) => call.params.channel === DM || call.params.channel === "U2")
    .map((call) => JSON.stringify(call.params.blocks ?? []))
    .join("\n");

function settled(message: string): Promise<void> {
  return settledTurn(bot.runtime!.services.queues.turn, message, 15_000);
}

describe("private mode on Slack (Bolt over HTTP, fake Slack, simulator, Redis)", () => {
  const mentionTs = "1700006000.000100";

  it("a member in private mode mentions the app in a channel: progress and answer go to the app's DM, the thread shows only the note", async () => {
    await bot.sendJson(
      event(
        "EvPrivate1",
        appMention({
          channel: "C600",
          user: "U2",
          text: `<@${BOT_USER}> generate a video of a lighthouse`,
          ts: mentionTs,
        }),
      ),
    );
    await bot.fake.waitFor(() => dmText().includes("Music and title added"), 15_000, "the DM answer");
    const dm = shownIn("U2", DM);
    expect(dm[0]).toBe(
      text("en", "private_dm_opener_prompt", { prompt: "generate a video of a lighthouse" }),
    );
    expect(dm.some((shown) => shown.startsWith("⏳"))).toBe(true);
    expect(dm.some((shown) => /Generating video/.test(shown))).toBe(true);
    // No buttons in the DM copy: they would act on the DM, not on the thread's project.
    expect(dmBlocks()).not.toContain('"actions"');
    expect(shownIn("C600")).toEqual([NOTE]);
    expectOnlyNotes("C600", [NOTE]);
  });

  it("their export's video and its link come privately", async () => {
    bot.fake.addMessage("C600", { ts: mentionTs, user: "U2", text: `<@${BOT_USER}> generate a video` });
    await bot.sendJson(
      event(
        "EvPrivate2",
        messageEvent({
          channel: "C600",
          channelType: "channel",
          user: "U2",
          text: "export",
          ts: "1700006100.000100",
          threadTs: mentionTs,
          parentUserId: "U2",
        }),
      ),
    );
    await bot.fake.waitFor(() => /render_.*\.mp4/.test(dmText()), 15_000, "the video in the DM");
    // "Open in NemoVideo": the claim link reaches only its owner (U2), never the channel.
    const claim = () =>
      bot.fake.calls.filter(
        (call) => JSON.stringify(call.params).includes("ct=clm_") && call.params.user !== undefined,
      );
    await bot.fake.waitFor(
      () => claim().length > 0 || dmText().includes("ct=clm_"),
      15_000,
      "the claim link, privately",
    );
    for (const call of claim()) expect(call.params.user).toBe("U2");
    expect(shownIn("C600")).toEqual([NOTE, NOTE]);
    expectOnlyNotes("C600", [NOTE]);
  });

  it("a member without private mode still gets public answers in the same thread", async () => {
    await bot.sendJson(
      event(
        "EvPublic1",
        messageEvent({
          channel: "C600",
          channelType: "channel",
          user: "U1",
          text: "what about a calm sea instead?",
          ts: "1700006200.000100",
          threadTs: mentionTs,
          parentUserId: "U2",
        }),
      ),
    );
    await bot.fake.waitFor(
      () => shownIn("C600").some((shown) => shown.includes("calm sea instead")),
      15_000,
      "the public answer",
    );
    expect(dmText()).not.toContain("calm sea");
  });

  it("a Cancel in the DM copy acts on the thread's waiting message", async () => {
    const say = (id: string, ts: string, text: string) =>
      bot.sendJson(
        event(
          id,
          messageEvent({
            channel: "C600",
            channelType: "channel",
            user: "U2",
            text,
            ts,
            threadTs: mentionTs,
            parentUserId: "U2",
          }),
        ),
      );
    const since = bot.fake.calls.length;
    const answers = () => dmText().split("Music and title added").length;
    const answered = answers();
    await say("EvPrivateQ1", "1700006300.000100", "generate a video of a long storm");
    await say("EvPrivateQ2", "1700006400.000100", "and then a rainbow");
    const queued = () =>
      bot.fake
        .thread(DM, undefined)
        .find((m) => m.text.startsWith("⏳ Queued") && JSON.stringify(m.blocks ?? []).includes('"pv:'));
    await bot.fake.waitFor(() => queued() !== undefined, 15_000, "the queued note with Cancel, in the DM");
    const note = queued()!;
    const value = /"value":"(pv:[^"]+)"/.exec(JSON.stringify(note.blocks ?? []))![1]!;
    await bot.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: DM,
        user: "U2",
        botUserId: BOT_USER,
        messageTs: note.ts,
        actionId: "nemo_cancel",
        value,
        actionTs: "1700006500.123456",
        responseUrl: bot.responseUrl("dm-cancel"),
      }),
    );
    const cancelled = text("en", "cancel_done");
    await bot.fake.waitFor(() => note.text.includes(cancelled), 15_000, "the DM note cancelled");
    const sent = () => bot.sim!.requests.filter((r) => r.path === "/run_sse").map((r) => String(r.message));
    await bot.fake.waitFor(() => sent().includes("generate a video of a long storm"), 15_000, "the first");
    // The first turn done (its answer in the DM), the line moves on: a second still queued would run now.
    await bot.fake.waitFor(() => answers() > answered, 15_000, "the first's answer, in the DM");
    await settled("and then a rainbow");
    expect(sent()).not.toContain("and then a rainbow");
    expectOnlyNotes("C600", [NOTE], since);
  });

  it("/nemo <prompt> of a private member: the parent message, then only the note in its thread", async () => {
    await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C700",
        user: "U2",
        text: "generate a video of a paper boat",
        triggerId: "7001.7002.abc",
        responseUrl: bot.responseUrl("c700"),
      }),
    );
    const answers = () => dmText().split("Music and title added").length;
    const before = answers();
    await bot.fake.waitFor(() => answers() > before, 15_000, "the DM answer");
    // The parent message does not quote the command (only its sender saw it).
    const parent = `🎬 <@U2>: ${text("en", "private_opener")}`;
    expect(shownIn("C700")).toEqual([parent, NOTE]);
    expectOnlyNotes("C700", [parent, NOTE]);
  });

  it("DMs that cannot be reached: the thread is told without content, the backend gets nothing", async () => {
    bot.fake.fail("chat.postMessage", "messages_tab_disabled");
    await bot.sendJson(
      event(
        "EvPrivate3",
        appMention({
          channel: "C800",
          user: "U2",
          text: `<@${BOT_USER}> generate a secret birthday video`,
          ts: "1700008000.000100",
        }),
      ),
    );
    const unreachable = text("en", "private_dm_unreachable");
    await bot.fake.waitFor(
      () => shownIn("C800").some((shown) => shown.includes(unreachable)),
      15_000,
      "the refusal",
    );
    expect(shownIn("C800")).toHaveLength(1);
    expect(bot.sim!.requests.some((r) => r.path === "/run_sse" && /birthday/.test(String(r.message)))).toBe(
      false,
    );
  });

  it("a workspace that forbids private results keeps them public", async () => {
    const place = { platform: "slack" as const, workspace: TEAM, channel: "C900", thread: "" };
    await bot.runtime!.services.settings.changePlace(place, { privateForbidden: true });
    await bot.sendJson(
      event(
        "EvPrivate4",
        appMention({
          channel: "C900",
          user: "U2",
          text: `<@${BOT_USER}> generate a video of a windmill`,
          ts: "1700009000.000100",
        }),
      ),
    );
    await bot.fake.waitFor(
      () => shownIn("C900").some((shown) => shown.includes("Music and title added")),
      15_000,
      "the public answer",
    );
    expect(shownIn("C900")).not.toContain(NOTE);
  });
});

describe("the credits guard's question in private mode (Slack)", () => {
  let guarded: SlackBot;
  beforeAll(async () => {
    // 150 credits, asked below 300: a generation (100) is asked about first.
    guarded = await SlackBot.start({
      redisUrl: redis.url,
      sim: { credits: 150 },
      env: { CREDITS_GUARD_THRESHOLD: "300" },
    });
    guarded.fake.users.set("U2", { name: "bob", locale: "en-US" });
    await guarded.runtime!.services.settings.changeMember("slack", "U2", { privateResults: true });
  });
  afterAll(async () => {
    await guarded?.dispose();
  });

  it("is asked in the DM; Continue there sends the message of the thread, and the answer comes to the DM", async () => {
    const { fake } = guarded;
    await guarded.sendJson(
      event(
        "EvGuard1",
        appMention({
          channel: "C1000",
          user: "U2",
          text: `<@${BOT_USER}> generate a video of a fox`,
          ts: "1700010000.000100",
        }),
      ),
    );
    const question = () =>
      fake.thread(DM, undefined).find((m) => JSON.stringify(m.blocks ?? []).includes("nemo_continue"));
    await fake.waitFor(() => question() !== undefined, 15_000, "the guard's question in the DM");
    type Button = { action_id?: string; value?: string };
    const buttons = (question()!.blocks as { elements?: Button[] }[]).flatMap(
      (block) => block.elements ?? [],
    );
    const value = buttons.find((button) => button.action_id === "nemo_continue")?.value;
    expect(value).toMatch(/^pv:/);
    const sent = () =>
      guarded.sim!.requests.filter((r) => r.path === "/run_sse").map((r) => String(r.message));
    expect(sent()).toEqual([]);
    await guarded.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: DM,
        user: "U2",
        botUserId: BOT_USER,
        messageTs: question()!.ts,
        actionId: "nemo_continue",
        value: value!,
        actionTs: "1700010100.123456",
        responseUrl: guarded.responseUrl("dm-continue"),
      }),
    );
    const answered = () =>
      fake.thread(DM, undefined).some((m) => FakeSlackApi.visible(m).includes("Music and title added"));
    await fake.waitFor(answered, 15_000, "the answer in the DM");
    expect(sent()).toEqual(["generate a video of a fox"]);
    // The thread: notes only (one per message: the question's, and the confirmed message's).
    const shown = fake.calls.filter(
      (call) => call.params.channel === "C1000" && ["chat.postMessage", "chat.update"].includes(call.method),
    );
    expect(shown.map((call) => String(call.params.text))).toEqual([NOTE, NOTE]);
  });
});
