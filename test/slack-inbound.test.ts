import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../src/adapters/slack/slack-adapter.js";
import type { Inbound, IntakePort } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import {
  appMention,
  blockActionsBody,
  eventCallbackBody,
  messageEvent,
  slashCommandBody,
} from "./fakes/slack/payloads.js";
import { sendSigned } from "./fakes/slack/signed-request.js";
import { BOT_TOKEN, BOT_USER, SIGNING_SECRET, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";

/** Records inbounds instead of running the core. */
const recording: IntakePort = { handle: async () => undefined };

let bot: SlackBot | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const event = (id: string, body: Record<string, unknown>) =>
  eventCallbackBody(body, { team: TEAM, eventId: id, botUserId: BOT_USER });
const find = (id: string): Inbound => {
  const inbound = bot!.handled.find((candidate) => candidate.id === id);
  if (!inbound) throw new Error(`not handled: ${id}`);
  return inbound;
};
/** Sends events in order (each acked before the next), then a sentinel; resolves once the sentinel is handled. */
async function sendThenSentinel(bodies: string[]): Promise<void> {
  for (const body of bodies) expect((await bot!.sendJson(body)).status).toBe(200);
  await bot!.sendJson(
    event(
      "EvSentinel",
      messageEvent({ channel: "D999", channelType: "im", user: "U1", text: "hi", ts: "1.9" }),
    ),
  );
  await bot!.waitHandled("EvSentinel");
}

describe("Slack inbound events → Inbound", () => {
  it("turns a mention into an Inbound in the message's thread, mention stripped, with no Slack call before the acknowledgement", async () => {
    bot = await SlackBot.start({ handler: recording });
    bot.fake.users.set("U1", { name: "alice", locale: "zh-CN" });
    await bot.sendJson(
      event(
        "EvA",
        appMention({
          channel: "C1",
          user: "U1",
          text: `<@${BOT_USER}> make a clip with <@U2|bob> for <#C9|general>, see <https://example.com/a?b=1&amp;c=2|the brief> &amp; enjoy`,
          ts: "100.1",
        }),
      ),
    );
    await bot.sendJson(
      event(
        "EvB",
        appMention({
          channel: "C1",
          user: "U1",
          text: `<@${BOT_USER}> more`,
          ts: "100.3",
          threadTs: "100.2",
        }),
      ),
    );
    await bot.waitHandled("EvA");
    await bot.waitHandled("EvB");
    expect(find("EvA")).toEqual({
      id: "EvA",
      ref: { platform: "slack", workspace: TEAM, channel: "C1", thread: "100.1" },
      user: { id: "U1" },
      text: "make a clip with @bob for #general, see the brief (https://example.com/a?b=1&c=2) & enjoy",
      attachments: [],
    });
    expect(find("EvB").ref.thread).toBe("100.2");
    // The user's locale is looked up by a worker, never on the way to the acknowledgement.
    expect(bot.fake.callsOf("users.info")).toHaveLength(0);
  });

  it("ignores bots, itself, edits, top-level chatter, mentions in message events, and group DMs", async () => {
    bot = await SlackBot.start({ handler: recording });
    const chatter = (id: string, fields: Partial<Parameters<typeof messageEvent>[0]>) =>
      event(
        id,
        messageEvent({
          channel: "C1",
          channelType: "channel",
          user: "U1",
          text: "hello",
          ts: `${id}.1`,
          ...fields,
        }),
      );
    await sendThenSentinel([
      chatter("EvBotMsg", {
        subtype: "bot_message",
        botId: "B2",
        user: undefined,
        threadTs: "1.0",
        parentUserId: BOT_USER,
      }),
      chatter("EvOtherBot", { botId: "B2", threadTs: "1.0", parentUserId: BOT_USER }),
      chatter("EvSelf", { user: BOT_USER, threadTs: "1.0", parentUserId: BOT_USER }),
      chatter("EvEdit", { subtype: "message_changed", threadTs: "1.0", parentUserId: BOT_USER }),
      chatter("EvJoin", { subtype: "channel_join" }),
      chatter("EvTop", {}),
      chatter("EvMentionMsg", { text: `<@${BOT_USER}> hi`, threadTs: "1.0", parentUserId: BOT_USER }),
      chatter("EvMpim", { channel: "G1", channelType: "mpim" }),
      event("EvBotMention", {
        ...appMention({ channel: "C1", user: "U3", text: `<@${BOT_USER}> x`, ts: "5.5" }),
        bot_id: "B3",
      }),
    ]);
    expect(bot.handled.map((inbound) => inbound.id)).toEqual(["EvSentinel"]);
  });

  it("continues threads the bot owns without a mention: its own parent, or a parent that mentions it", async () => {
    bot = await SlackBot.start({ handler: recording });
    const reply = (id: string, threadTs: string, parentUserId: string) =>
      event(
        id,
        messageEvent({
          channel: "C1",
          channelType: "channel",
          user: "U1",
          text: "make it red",
          ts: `${id}.9`,
          threadTs,
          parentUserId,
        }),
      );
    bot.fake.addMessage("C1", { ts: "20.0", user: "U2", text: `<@${BOT_USER}> a video of the sea` });
    bot.fake.addMessage("C1", { ts: "30.0", user: "U2", text: "lunch anyone?" });
    await sendThenSentinel([
      reply("EvOwnParent", "10.0", BOT_USER),
      reply("EvMentionParent", "20.0", "U2"),
      reply("EvMentionParentAgain", "20.0", "U2"),
      reply("EvForeign", "30.0", "U2"),
    ]);
    expect(bot.handled.map((inbound) => inbound.id).sort()).toEqual([
      "EvMentionParent",
      "EvMentionParentAgain",
      "EvOwnParent",
      "EvSentinel",
    ]);
    expect(find("EvMentionParent").ref.thread).toBe("20.0");
    // The bot's own parent needs no lookup; each other thread is looked up once.
    expect(
      bot.fake
        .callsOf("conversations.replies")
        .map((call) => call.params.ts)
        .sort(),
    ).toEqual(["20.0", "30.0"]);
  });

  it("treats a DM as a conversation (thread = channel), a DM thread as its own, and completes partial files", async () => {
    bot = await SlackBot.start({ handler: recording });
    const full = bot.fake.addFile("F1", "intro.mov", "video/quicktime", Buffer.alloc(10));
    await bot.sendJson(
      event(
        "EvDm",
        messageEvent({
          channel: "D1",
          channelType: "im",
          user: "U1",
          subtype: "file_share",
          text: `<@${BOT_USER}> use this`,
          ts: "40.1",
          files: [
            { id: "F1", file_access: "check_file_info" },
            { id: "F2", mode: "tombstone" },
          ],
        }),
      ),
    );
    await bot.sendJson(
      event(
        "EvDmThread",
        messageEvent({
          channel: "D1",
          channelType: "im",
          user: "U1",
          text: "and this",
          ts: "40.3",
          threadTs: "40.2",
        }),
      ),
    );
    await bot.waitHandled("EvDm");
    await bot.waitHandled("EvDmThread");
    expect(find("EvDm").ref).toEqual({ platform: "slack", workspace: TEAM, channel: "D1", thread: "D1" });
    expect(find("EvDm").text).toBe("use this");
    expect(find("EvDm").attachments).toEqual([
      {
        name: "intro.mov",
        size: 10,
        contentType: "video/quicktime",
        url: full.url_private_download,
        auth: "bot-token",
      },
    ]);
    expect(bot.fake.callsOf("files.info").map((call) => call.params.file)).toEqual(["F1"]);
    expect(find("EvDmThread").ref.thread).toBe("40.2");
  });

  it("turns button clicks into actions in the clicked message's thread (DM top level → the DM)", async () => {
    bot = await SlackBot.start({ handler: recording });
    const click = (
      channel: string,
      messageTs: string,
      threadTs: string | undefined,
      actionId: string,
      value?: string,
    ) =>
      bot!.sendForm(
        blockActionsBody({
          team: TEAM,
          channel,
          user: "U1",
          botUserId: BOT_USER,
          messageTs,
          ...(threadTs ? { threadTs } : {}),
          actionId,
          ...(value === undefined ? {} : { value }),
          actionTs: `${messageTs}.5`,
          responseUrl: bot!.responseUrl(`${channel}-${messageTs}`),
        }),
      );
    expect((await click("C1", "50.2", "50.1", "nemo_cancel", "Ev123:caption")).status).toBe(200);
    await click("D1", "60.1", undefined, "nemo_retry", "Ev456");
    await click("C1", "70.2", "70.1", "nemo_export", "<script>");
    await bot.waitHandled("act-50.2.5-U1");
    await bot.waitHandled("act-60.1.5-U1");
    expect(find("act-50.2.5-U1")).toMatchObject({
      ref: { channel: "C1", thread: "50.1" },
      action: { kind: "cancel", arg: "Ev123:caption" },
      text: "",
    });
    expect(find("act-60.1.5-U1")).toMatchObject({
      ref: { channel: "D1", thread: "D1" },
      action: { kind: "retry", arg: "Ev456" },
    });
    await bot.fake.waitFor(
      () => bot!.fake.responses.some((r) => r.path === "/respond/C1-70.2"),
      5_000,
      "refusal",
    );
    expect(bot.handled.some((inbound) => inbound.id === "act-70.2.5-U1")).toBe(false);
  });

  it("answers in a channel it is not allowed in instead of staying silent", async () => {
    bot = await SlackBot.start({ handler: recording, allowedChannels: ["C1"], allowDirectMessages: false });
    bot.fake.users.set("U1", { name: "alice", locale: "en-GB" });
    await bot.sendJson(
      event("EvNo", appMention({ channel: "C2", user: "U1", text: `<@${BOT_USER}> hi`, ts: "80.1" })),
    );
    await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C2",
        user: "U1",
        text: "a video",
        triggerId: "t.no",
        responseUrl: bot.responseUrl("no"),
      }),
    );
    await bot.sendJson(
      event("EvNoDm", messageEvent({ channel: "D2", channelType: "im", user: "U1", text: "hi", ts: "80.2" })),
    );
    await bot.sendJson(
      event("EvYes", appMention({ channel: "C1", user: "U1", text: `<@${BOT_USER}> hi`, ts: "80.3" })),
    );
    await bot.waitHandled("EvYes");
    await bot.fake.waitFor(
      () => bot!.fake.callsOf("chat.postEphemeral").length >= 2 && bot!.fake.responses.length >= 1,
      5_000,
      "refusals",
    );
    const ephemeral = bot.fake.callsOf("chat.postEphemeral").map((call) => call.params);
    expect(ephemeral).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          channel: "C2",
          user: "U1",
          text: expect.stringContaining("not enabled in this channel"),
        }),
        expect.objectContaining({ channel: "D2", user: "U1" }),
      ]),
    );
    expect(bot.fake.responses[0]?.body).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("not enabled"),
    });
    expect(bot.handled.map((inbound) => inbound.id)).toEqual(["EvYes"]);
    expect(bot.fake.callsOf("chat.postMessage")).toHaveLength(0);
  });
});

describe("the HTTP request listener", () => {
  it("answers 503 before start, then 404 for other paths and methods, 401 for unsigned posts", async () => {
    const fake = await FakeSlackApi.start({ botToken: BOT_TOKEN, botUserId: BOT_USER });
    const setup = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      allowedChannels: [],
      handler: recording,
      logger: silentLogger(),
    });
    expect(setup.transport).toBe("http");
    const server = createServer(setup.requestListener!);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const body = JSON.stringify({ type: "url_verification", challenge: "abc", token: "x" });
      const early = await sendSigned(`${base}/slack/events`, body, {
        secret: SIGNING_SECRET,
        contentType: "application/json",
      });
      expect(early.status).toBe(503);
      await setup.adapter.start();
      expect(fake.callsOf("auth.test")).toHaveLength(1);
      expect((await fetch(`${base}/slack/events`)).status).toBe(404);
      expect((await fetch(`${base}/elsewhere`, { method: "POST", body: "{}" })).status).toBe(404);
      expect(
        (
          await fetch(`${base}/slack/events`, {
            method: "POST",
            body: body,
            headers: { "content-type": "application/json" },
          })
        ).status,
      ).toBe(401);
      const verified = await sendSigned(`${base}/slack/events`, body, {
        secret: SIGNING_SECRET,
        contentType: "application/json",
      });
      expect(verified).toEqual({ status: 200, body: expect.stringContaining("abc") });
    } finally {
      await setup.adapter.stop();
      await new Promise((resolve) => server.close(resolve));
      await fake.close();
    }
  });

  it("refuses to start without a bot token check passing, and without a transport", async () => {
    const fake = await FakeSlackApi.start({ botToken: BOT_TOKEN });
    const setup = createSlackAdapter({
      botToken: "xoxb-wrong",
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      allowedChannels: [],
      handler: recording,
      logger: silentLogger(),
    });
    await expect(setup.adapter.start()).rejects.toThrow(/invalid_auth/);
    await fake.close();
    expect(() =>
      createSlackAdapter({
        botToken: BOT_TOKEN,
        allowedChannels: [],
        handler: recording,
        logger: silentLogger(),
      }),
    ).toThrow(expect.objectContaining({ code: "SLACK_CONFIG" }));
  });
});
