import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { FakeSlackApi, type FakeSlackMessage } from "./fakes/slack/fake-slack-api.js";
import {
  appMention,
  blockActionsBody,
  eventCallbackBody,
  messageEvent,
  slashCommandBody,
} from "./fakes/slack/payloads.js";
import { slackSignature } from "./fakes/slack/signed-request.js";
import { BOT_TOKEN, BOT_USER, SIGNING_SECRET, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { TestRedisServer } from "./helpers/redis-server.js";

let redis: TestRedisServer;
let bot: SlackBot;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  bot = await SlackBot.start({ redisUrl: redis.url });
  bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
});
afterAll(async () => {
  await bot?.dispose();
  await redis?.stop();
});

const event = (id: string, body: Record<string, unknown>) =>
  eventCallbackBody(body, { team: TEAM, eventId: id, botUserId: BOT_USER });
const hasExportButton = (message: FakeSlackMessage) =>
  JSON.stringify(message.blocks ?? []).includes('"nemo_export"');
const visible = (message: FakeSlackMessage) => FakeSlackApi.visible(message);
const runSse = (text: string) => bot.sim!.requests.filter((r) => r.path === "/run_sse" && r.message === text);
/** Every text and block the bot sent to a channel, as on the wire. */
const wire = (channel: string) =>
  bot.fake.calls
    .filter((call) => call.method.startsWith("chat.") && call.params.channel === channel)
    .map((call) => `${String(call.params.text)}\n${JSON.stringify(call.params.blocks ?? [])}`)
    .join("\n");

describe("Slack over HTTP, end to end (Bolt receiver, runtime, simulator, fake Slack)", () => {
  it("tells the user privately when it cannot post the /nemo parent message (not in the channel)", async () => {
    bot.fake.fail("chat.postMessage", "not_in_channel");
    const response = await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C5",
        user: "U1",
        text: "a video of rain",
        triggerId: "t.5",
        responseUrl: bot.responseUrl("c5"),
      }),
    );
    expect(response).toEqual({ status: 200, body: "" });
    await bot.fake.waitFor(() => bot.fake.responses.some((r) => r.path.endsWith("c5")), 10_000, "note");
    expect(bot.fake.responses.find((r) => r.path.endsWith("c5"))?.body).toMatchObject({
      text: expect.stringContaining("couldn't start a thread"),
    });
    expect(runSse("a video of rain")).toHaveLength(0);
  });

  it("/nemo <prompt>: parent message, progress in the thread, answer with buttons, Export → video link", async () => {
    const response = await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C100",
        user: "U1",
        text: "generate a video of a city timelapse",
        triggerId: "1001.2002.abc",
        responseUrl: bot.responseUrl("c100"),
      }),
    );
    expect(response).toEqual({ status: 200, body: "" });

    await bot.fake.waitFor(() => bot.fake.thread("C100", undefined).length > 0, 5_000, "parent message");
    const parent = bot.fake.thread("C100", undefined)[0]!;
    expect(parent.text).toBe("🎬 <@U1>: generate a video of a city timelapse");
    await bot.fake.waitFor(
      () => bot.fake.thread("C100", parent.ts).some(hasExportButton),
      15_000,
      "answer with buttons",
    );
    const thread = bot.fake.thread("C100", parent.ts);
    expect(thread.map(visible).join("\n")).toContain("Music and title added");
    // Progress was one message edited in place, and every reply went into the thread.
    expect(
      bot.fake.callsOf("chat.update").filter((call) => call.params.channel === "C100").length,
    ).toBeGreaterThan(0);
    const posts = bot.fake.callsOf("chat.postMessage").filter((call) => call.params.channel === "C100");
    expect(posts.slice(1).every((call) => call.params.thread_ts === parent.ts)).toBe(true);
    expect(posts.every((call) => call.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
    expect(bot.fake.callsOf("users.info")[0]?.params).toMatchObject({ user: "U1", include_locale: "true" });
    const answer = thread.find(hasExportButton)!;
    const actions = (
      answer.blocks as { type: string; elements?: { action_id: string; style?: string }[] }[]
    ).find((block) => block.type === "actions");
    expect(actions?.elements?.map((button) => button.action_id).sort()).toEqual([
      "nemo_credits",
      "nemo_export",
      "nemo_move_code",
      "nemo_move_thread",
      "nemo_timeline",
      // Variations: a generated video offers 🎲
      "nemo_variations",
    ]);
    expect(actions?.elements?.find((button) => button.action_id === "nemo_export")?.style).toBe("primary");

    const click = await bot.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: "C100",
        user: "U1",
        botUserId: BOT_USER,
        messageTs: answer.ts,
        threadTs: parent.ts,
        actionId: "nemo_export",
        actionTs: "1700000500.123456",
        responseUrl: bot.responseUrl("c100-click"),
      }),
    );
    expect(click.status).toBe(200);
    await bot.fake.waitFor(
      () => bot.fake.thread("C100", parent.ts).some((message) => message.text.includes("/files/render_")),
      15_000,
      "video link",
    );
    const done = bot.fake
      .thread("C100", parent.ts)
      .find((message) => message.text.includes("/files/render_"))!;
    expect(visible(done)).toMatch(
      /Your video is ready: <http:\/\/127\.0\.0\.1:\d+\/files\/render_[^\s|>]+\.mp4>/,
    );
    // The claim link is private to the owner: the video's message offers the button that hands it over.
    expect(visible(done)).not.toMatch(/ct=clm_/);
    expect(visible(done)).toContain("nemo_project_link");
    expect(wire("C100")).not.toContain(BOT_TOKEN);
    expect(bot.sim!.sessions()).toHaveLength(1);
  });

  it("app_mention starts a thread on the message; a plain reply and a mention in another thread continue", async () => {
    const mentionTs = "1700001000.000100";
    await bot.sendJson(
      event(
        "EvMention1",
        appMention({
          channel: "C200",
          user: "U1",
          text: `<@${BOT_USER}> make a video of a cat`,
          ts: mentionTs,
        }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C200", mentionTs).some(hasExportButton),
      15_000,
      "mention answer",
    );
    const [first] = runSse("make a video of a cat");
    expect(first).toBeDefined();

    // A reply in that thread without a mention continues the same conversation.
    bot.fake.addMessage("C200", { ts: mentionTs, user: "U1", text: `<@${BOT_USER}> make a video of a cat` });
    await bot.sendJson(
      event(
        "EvReply1",
        messageEvent({
          channel: "C200",
          channelType: "channel",
          user: "U1",
          text: 'add a title "Whiskers"',
          ts: "1700001100.000100",
          threadTs: mentionTs,
          parentUserId: "U1",
        }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C200", mentionTs).some((message) => visible(message).includes("Whiskers")),
      15_000,
      "title edit",
    );
    expect(runSse('add a title "Whiskers"')[0]?.sessionId).toBe(first!.sessionId);

    // A mention inside someone else's thread answers in that thread.
    await bot.sendJson(
      event(
        "EvMention2",
        appMention({
          channel: "C200",
          user: "U1",
          text: `<@${BOT_USER}> hello there`,
          ts: "1700001600.000100",
          threadTs: "1700001500.000100",
        }),
      ),
    );
    await bot.fake.waitFor(
      () =>
        bot.fake.thread("C200", "1700001500.000100").some((message) => visible(message).includes("You said")),
      15_000,
      "answer in the other thread",
    );
    expect(runSse("hello there")).toHaveLength(1);
  });

  it("follows a thread that has a project even when Slack cannot tell who started it", async () => {
    const parentTs = "1700002000.000100";
    // Someone else's thread: the bot is mentioned inside it, so the conversation lives there.
    await bot.sendJson(
      event(
        "EvMention3",
        appMention({
          channel: "C300",
          user: "U1",
          text: `<@${BOT_USER}> start here`,
          ts: "1700002100.000100",
          threadTs: parentTs,
        }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C300", parentTs).some((message) => visible(message).includes("You said")),
      15_000,
      "first answer",
    );
    // The parent is not the bot's and does not mention it, and the lookup fails (as after a restart
    // under rate limits): the project in Redis still makes the plain reply a turn.
    bot.fake.fail("conversations.replies", "ratelimited", 5);
    await bot.sendJson(
      event(
        "EvReply3",
        messageEvent({
          channel: "C300",
          channelType: "channel",
          user: "U1",
          text: "and keep going",
          ts: "1700002200.000100",
          threadTs: parentTs,
          parentUserId: "U2",
        }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C300", parentTs).some((message) => visible(message).includes("keep going")),
      15_000,
      "the plain reply answered",
    );
  });

  it("a file shared in a DM is downloaded with the bot token and uploaded to the backend", async () => {
    const file = bot.fake.addFile("F0CLIP", "clip.mp4", "video/mp4", SAMPLE_MP4);
    await bot.sendJson(
      event(
        "EvFile1",
        messageEvent({
          channel: "D300",
          channelType: "im",
          user: "U1",
          subtype: "file_share",
          text: "",
          ts: "1700002000.000100",
          files: [file],
        }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("D300", undefined).some((message) => visible(message).includes("Added clip.mp4")),
      15_000,
      "upload confirmation",
    );
    expect(bot.fake.downloads).toEqual([
      { path: "/files-pri/T0FAKE-F0CLIP/download/clip.mp4", authorization: `Bearer ${BOT_TOKEN}` },
    ]);
    expect(bot.sim!.requests.filter((r) => r.path.startsWith("/api/upload-video"))).toHaveLength(1);
    // The DM is one conversation: no thread_ts on the replies.
    const dmPosts = bot.fake.callsOf("chat.postMessage").filter((call) => call.params.channel === "D300");
    expect(dmPosts.length).toBeGreaterThan(0);
    expect(dmPosts.every((call) => call.params.thread_ts === undefined)).toBe(true);
  });

  it("rejects a bad signature and a stale timestamp with 401 and queues nothing", async () => {
    const body = event(
      "EvForged",
      appMention({
        channel: "C400",
        user: "U1",
        text: `<@${BOT_USER}> forged request`,
        ts: "1700003000.000100",
      }),
    );
    const forged = await bot.sendJson(body, {
      signature: slackSignature("not-the-secret", Math.floor(Date.now() / 1000), body),
    });
    expect(forged.status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    const old = await bot.sendJson(body, {
      timestamp: stale,
      signature: slackSignature(SIGNING_SECRET, stale, body),
    });
    expect(old.status).toBe(401);
    const command = await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C400",
        user: "U1",
        text: "forged request",
        triggerId: "forged.1",
        responseUrl: bot.responseUrl("forged"),
      }),
      { signature: "v0=0000" },
    );
    expect(command.status).toBe(401);
    // A 401 is answered before Bolt dispatches anything: nothing reached the core, Slack or the backend.
    expect(bot.handled.some((inbound) => inbound.ref.channel === "C400")).toBe(false);
    expect(bot.fake.calls.some((call) => call.params.channel === "C400")).toBe(false);
    expect(bot.sim!.requests.some((r) => r.message === "forged request")).toBe(false);
  });

  it("runs an event Slack delivers twice (same event_id, X-Slack-Retry-Num: 1) once", async () => {
    const ts = "1700004000.000100";
    const body = event(
      "EvTwice",
      appMention({ channel: "C500", user: "U1", text: `<@${BOT_USER}> make a video of a dog`, ts }),
    );
    expect((await bot.sendJson(body)).status).toBe(200);
    expect((await bot.sendJson(body, { retryNum: 1 })).status).toBe(200);
    await bot.waitHandled("EvTwice", 2);
    await bot.fake.waitFor(() => bot.fake.thread("C500", ts).some(hasExportButton), 15_000, "answer");
    expect(runSse("make a video of a dog")).toHaveLength(1);
    expect(bot.fake.thread("C500", ts).filter(hasExportButton)).toHaveLength(1);
  });

  it("never lets <!channel> or <!here> from backend text reach Slack as a mention", async () => {
    const ts = "1700005000.000100";
    // The user typed a literal "<!channel>" (Slack escapes it) and used a real @here mention.
    await bot.sendJson(
      event(
        "EvPing",
        appMention({ channel: "C600", user: "U1", text: `<@${BOT_USER}> &lt;!channel&gt; hi <!here>`, ts }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C600", ts).some((message) => visible(message).includes("You said")),
      15_000,
      "echo",
    );
    expect(runSse("<!channel> hi @here")).toHaveLength(1);
    const sent = wire("C600");
    expect(sent).toContain("&lt;!channel&gt;");
    expect(sent).not.toMatch(/<!(channel|here|everyone)/);
  });

  it("splits a long answer into valid blocks", async () => {
    const ts = "1700006000.000100";
    const paragraphs = Array.from(
      { length: 90 },
      (_, i) => `P${i}: ${"lorem ipsum dolor sit amet ".repeat(4)}`,
    );
    await bot.sendJson(
      event(
        "EvLong",
        appMention({ channel: "C700", user: "U1", text: `<@${BOT_USER}> ${paragraphs.join("\n\n")}`, ts }),
      ),
    );
    await bot.fake.waitFor(
      () => bot.fake.thread("C700", ts).some((message) => visible(message).includes("You said")),
      15_000,
      "long echo",
    );
    const answer = bot.fake.thread("C700", ts).find((message) => visible(message).includes("You said"))!;
    const blocks = answer.blocks as { type: string; text?: { text: string } }[];
    const sections = blocks.filter((block) => block.type === "section");
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(sections.length).toBeGreaterThanOrEqual(3);
    for (const block of sections) expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    expect(answer.text.length).toBeLessThanOrEqual(4000);
    const shown = sections.map((block) => block.text!.text).join("\n");
    for (let i = 0; i < 90; i++) expect(shown).toContain(`P${i}:`);
  });

  it("answers /nemo help, credits and status ephemerally, and refuses a malformed button", async () => {
    const command = (text: string, name: string) =>
      bot.sendForm(
        slashCommandBody({
          team: TEAM,
          channel: "C800",
          user: "U1",
          text,
          triggerId: `t.${name}`,
          responseUrl: bot.responseUrl(name),
        }),
      );
    const responded = (name: string) =>
      bot.fake.responses.find((r) => r.path === `/respond/${name}`)?.body as
        | { response_type: string; text: string }
        | undefined;

    await command("help", "help");
    await bot.fake.waitFor(() => responded("help") !== undefined, 5_000, "help");
    expect(responded("help")).toMatchObject({ response_type: "ephemeral" });
    expect(responded("help")!.text).toContain("I make and edit videos");
    expect(responded("help")!.text).toContain("/nemo &lt;describe your video&gt;");

    await command("status", "status");
    await bot.fake.waitFor(() => responded("status") !== undefined, 5_000, "status");
    expect(responded("status")!.text).toContain("works inside a conversation thread");

    await command("credits", "credits");
    await bot.fake.waitFor(
      () => bot.fake.callsOf("chat.postEphemeral").some((call) => call.params.channel === "C800"),
      10_000,
      "credits",
    );
    const credits = bot.fake.callsOf("chat.postEphemeral").find((call) => call.params.channel === "C800")!;
    expect(credits.params).toMatchObject({ user: "U1" });
    expect(String(credits.params.text)).toMatch(/Credits: \d+ available/);
    // No parent message or thread for these.
    expect(bot.fake.callsOf("chat.postMessage").some((call) => call.params.channel === "C800")).toBe(false);

    await bot.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: "C800",
        user: "U1",
        botUserId: BOT_USER,
        messageTs: "1700007000.000100",
        threadTs: "1700006900.000100",
        actionId: "nemo_explode",
        actionTs: "1700007001.000001",
        responseUrl: bot.responseUrl("bad-button"),
      }),
    );
    await bot.fake.waitFor(() => responded("bad-button") !== undefined, 5_000, "refusal");
    expect(responded("bad-button")).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(responded("bad-button")!.text).toContain("That button doesn't work");
    expect(bot.handled.some((inbound) => inbound.id === "act-1700007001.000001-U1")).toBe(false);

    // A click without a container or a message (Bolt's types say the container is always there) is
    // refused, never a listener error that Slack would retry.
    const handledBefore = bot.handled.length;
    const malformed = await bot.sendForm(
      new URLSearchParams({
        payload: JSON.stringify({
          type: "block_actions",
          team: { id: TEAM },
          user: { id: "U1" },
          actions: [{ type: "button", action_id: "nemo_export", value: "x", action_ts: "1700007002.000001" }],
        }),
      }).toString(),
    );
    expect(malformed.status).toBe(200);
    expect(bot.handled.length).toBe(handledBefore);
  });
});
