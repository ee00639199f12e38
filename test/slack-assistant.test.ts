import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerStream } from "../src/adapters/slack/assistant/answer-stream.js";
import { createWebClient } from "../src/adapters/slack/web-api/web-client.js";
import { silentLogger } from "../src/core/logger.js";
import type { MessageStream } from "../src/core/nemo/message-stream.js";
import { FakeSlackApi, type FakeSlackMessage } from "./fakes/slack/fake-slack-api.js";
import { blockActionsBody, eventCallbackBody, messageEvent } from "./fakes/slack/payloads.js";
import { BOT_TOKEN, BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { TestRedisServer } from "./helpers/redis-server.js";

let redis: TestRedisServer;
let bot: SlackBot;
const feedback: string[] = [];
/** Text events of every backend stream, per prompt, as the bot's client read them. */
const backendText = new Map<string, string[]>();

beforeAll(async () => {
  redis = await TestRedisServer.start();
  bot = await SlackBot.start({ redisUrl: redis.url, onFeedback: (rating) => feedback.push(rating) });
  bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  const client = bot.runtime!.services.client;
  const send = client.sendMessage.bind(client);
  client.sendMessage = (ctx, session, prompt, options) => {
    const stream = send(ctx, session, prompt, options);
    const chunks: string[] = [];
    backendText.set(prompt, chunks);
    const iterate = stream[Symbol.asyncIterator].bind(stream);
    stream[Symbol.asyncIterator] = async function* () {
      for await (const event of { [Symbol.asyncIterator]: iterate }) {
        if (event.kind === "text") chunks.push(event.text);
        yield event;
      }
    } as MessageStream[typeof Symbol.asyncIterator];
    return stream;
  };
});
afterAll(async () => {
  await bot?.dispose();
  await redis?.stop();
});

const hasExportButton = (message: { blocks?: unknown[] | undefined }) =>
  JSON.stringify(message.blocks ?? []).includes('"nemo_export"');
const status = (threadTs: string) =>
  bot.fake
    .callsOf("assistant.threads.setStatus")
    .filter((call) => call.params.thread_ts === threadTs)
    .map((call) => String(call.params.status));
const streamCalls = (ts?: string) =>
  bot.fake.calls.filter(
    (call) =>
      /^chat\.(start|append|stop)Stream$/.test(call.method) &&
      (!ts || call.params.thread_ts === ts || call.params.ts === ts),
  );
/** A DM thread message from U1 (what Slack sends for a message in an assistant thread). */
async function dm(id: string, channel: string, threadTs: string, text: string, ts: string) {
  await bot.sendJson(
    eventCallbackBody(messageEvent({ channel, channelType: "im", user: "U1", text, ts, threadTs }), {
      team: TEAM,
      eventId: id,
      botUserId: BOT_USER,
    }),
  );
}
/** The backend's text, joined, without the paragraph breaks the bot puts between its messages. */
const joined = (parts: readonly string[]) => parts.join("").replace(/\n\n/g, "");

describe("Slack AI-app container", () => {
  it("streams the answer, shows and clears the status, titles the thread, and replaces the progress message", async () => {
    const thread = "1700003000.000100";
    const prompt = "make a video of a sunrise over the sea";
    await dm("EvAs1", "D300", thread, prompt, "1700003000.000200");
    await bot.fake.waitFor(
      () => bot.fake.callsOf("chat.stopStream").length > 0 && status(thread).at(-1) === "",
      15_000,
      "streamed answer and cleared status",
    );
    // Status: set when the turn starts, tool labels while it runs, cleared at the end.
    const statuses = status(thread);
    expect(statuses[0]).toBe("is working on your video…");
    expect(statuses.some((s) => /Generating video/.test(s))).toBe(true);
    expect(statuses.at(-1)).toBe("");
    expect(bot.fake.callsOf("assistant.threads.setTitle")[0]?.params).toMatchObject({
      channel_id: "D300",
      thread_ts: thread,
      title: prompt,
    });
    // The streamed text is the backend's text.
    const calls = streamCalls();
    const streamed = calls.map((call) => String(call.params.markdown_text ?? "")).join("");
    expect(joined([streamed])).toBe(joined(backendText.get(prompt)!));
    expect(calls[0]?.method).toBe("chat.startStream");
    expect(calls.at(-1)?.method).toBe("chat.stopStream");
    // It ends as the answer: buttons and 👍/👎 on the streamed message; the progress message is gone.
    const answer = bot.fake.messages.find((m) => m.ts === calls.at(-1)?.params.ts)!;
    expect(hasExportButton(answer)).toBe(true);
    expect(JSON.stringify(answer.blocks)).toContain('"feedback_buttons"');
    expect(bot.fake.thread("D300", thread).filter(hasExportButton)).toHaveLength(1);

    // A follow-up edit: its streamed answer replaces its progress message, and the title stays.
    const stops = bot.fake.callsOf("chat.stopStream").length;
    await dm("EvAs1b", "D300", thread, "change the title to Sunrise", "1700003000.000300");
    await bot.fake.waitFor(
      () => bot.fake.callsOf("chat.stopStream").length > stops && status(thread).at(-1) === "",
      15_000,
      "second streamed answer",
    );
    // Each answer replaced the progress message of its turn (after the raw-video report, a new one).
    expect(bot.fake.deleted.length).toBeGreaterThan(0);
    expect(bot.fake.deleted.every((m) => !hasExportButton(m))).toBe(true);
    const shown = bot.fake.thread("D300", thread);
    expect(shown).toHaveLength(3);
    expect(shown[0]?.versions[0]?.text).toBe("⏳ On it…");
    expect(shown.slice(1).every(hasExportButton)).toBe(true);
    expect(bot.fake.callsOf("assistant.threads.setTitle")).toHaveLength(1);

    const sequence = bot.fake.calls
      .filter((c) => c.params.channel === "D300" || c.params.channel_id === "D300")
      .map((c) =>
        c.method === "assistant.threads.setStatus"
          ? `setStatus(${JSON.stringify(c.params.status)})`
          : c.method,
      );
    console.log(`Slack AI-app call sequence (two turns): ${sequence.join(" → ")}`);

    // 👍 is counted.
    await bot.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: "D300",
        user: "U1",
        botUserId: BOT_USER,
        messageTs: answer.ts,
        threadTs: thread,
        actionId: "nemo_feedback",
        value: "good",
        actionTs: "1700003001.000001",
        responseUrl: bot.responseUrl("fb"),
      }),
    );
    expect(feedback).toEqual(["good"]);
  });

  it("after the stream's lifetime ends, carries on with chat.update: no text lost or doubled", async () => {
    bot.fake.streamExpiresAfterAppends = 0;
    try {
      const thread = "1700004000.000100";
      const prompt = "make a video of a forest in autumn";
      await dm("EvAs2", "D400", thread, prompt, "1700004000.000200");
      await bot.fake.waitFor(
        () => status(thread).at(-1) === "" && status(thread).length > 1,
        15_000,
        "turn end",
      );
      const answer = bot.fake.thread("D400", thread).find(hasExportButton)!;
      // Every version of the streamed message is a prefix of the backend's text until the final answer.
      const raw = answer.versions.slice(0, -1).map((v) => v.text);
      const expected = joined(backendText.get(prompt)!);
      for (const text of raw) expect(expected.startsWith(joined([text]))).toBe(true);
      expect(joined([raw.at(-1)!])).toBe(expected);
      // The stream did expire mid-answer, and the rest came by chat.update of the same message.
      const expiredAt = bot.fake.calls.findIndex(
        (c) => c.method === "chat.appendStream" && c.params.ts === answer.ts,
      );
      expect(expiredAt).toBeGreaterThan(-1);
      expect(
        bot.fake.calls.slice(expiredAt).some((c) => c.method === "chat.update" && c.params.ts === answer.ts),
      ).toBe(true);
      console.log(`expiry: versions of the streamed message: ${JSON.stringify(raw.map((t) => t.length))}`);
      expect(JSON.stringify(answer.blocks)).toContain('"feedback_buttons"');
    } finally {
      bot.fake.streamExpiresAfterAppends = undefined;
    }
  });

  it("suggests prompts when an assistant thread starts", async () => {
    await bot.sendJson(
      eventCallbackBody(
        {
          type: "assistant_thread_started",
          assistant_thread: {
            user_id: "U1",
            context: {},
            channel_id: "D500",
            thread_ts: "1700005000.000100",
          },
          event_ts: "1700005000.000101",
        },
        { team: TEAM, eventId: "EvAs3", botUserId: BOT_USER },
      ),
    );
    await bot.fake.waitFor(() => bot.fake.callsOf("assistant.threads.setSuggestedPrompts").length > 0);
    const [call] = bot.fake.callsOf("assistant.threads.setSuggestedPrompts");
    expect(call?.params).toMatchObject({ channel_id: "D500", thread_ts: "1700005000.000100" });
    expect(call?.params.prompts).toHaveLength(3);
  });
});

describe("Slack without the AI-app container (detected)", () => {
  it("keeps the edited progress message and tries the container once per workspace", async () => {
    const fake = bot.fake;
    fake.assistantOff = "not_allowed_token_type";
    const before = fake.callsOf("assistant.threads.setStatus").length;
    const streamsBefore = streamCalls().length;
    try {
      for (const [n, thread] of ["1700006000.000100", "1700006100.000100"].entries()) {
        await dm(`EvOff${n}`, "D600", thread, `make a video number ${n}`, `${thread.slice(0, -3)}200`);
        await fake.waitFor(() => fake.thread("D600", thread).some(hasExportButton), 15_000, "answer");
        // Today's behaviour: the acknowledgement edited in place, the answer posted with its buttons.
        const [ack] = fake.thread("D600", thread);
        expect(ack?.versions[0]?.text).toBe("⏳ On it…");
        expect(ack?.versions.length).toBeGreaterThan(1);
      }
      expect(fake.callsOf("assistant.threads.setStatus").length - before).toBe(1);
      expect(streamCalls().length).toBe(streamsBefore);
    } finally {
      fake.assistantOff = undefined;
    }
  });
});

describe("AnswerStream against the fake Slack", () => {
  it("falls back to chat.update when the stream has expired, each piece shown once", async () => {
    const fake = await FakeSlackApi.start({ botToken: BOT_TOKEN });
    try {
      fake.streamExpiresAfterAppends = 1;
      const client = createWebClient(BOT_TOKEN, { apiUrl: fake.apiUrl, logger: silentLogger() });
      const stream = new AnswerStream(client, { channel: "D1", threadTs: "1.1" }, silentLogger());
      for (const piece of ["one ", "two ", "three ", "four "]) {
        stream.append(piece);
        await fake.waitFor(() => (fake.messages[0]?.text ?? "").endsWith(piece));
      }
      const ts = await stream.stop({ text: "final", blocks: [] });
      const message: FakeSlackMessage = fake.messages.find((m) => m.ts === ts)!;
      expect(message.versions.map((v) => v.text)).toEqual([
        "one ",
        "one two ",
        "one two three ",
        "one two three four ",
        "final",
      ]);
      expect(fake.calls.map((c) => c.method)).toEqual([
        "chat.startStream",
        "chat.appendStream",
        "chat.appendStream",
        "chat.update",
        "chat.update",
        "chat.update",
      ]);
    } finally {
      await fake.close();
    }
  });
});
