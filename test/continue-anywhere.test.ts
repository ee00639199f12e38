import { randomBytes } from "node:crypto";
import { PassThrough, Writable } from "node:stream";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleMessenger, createConsoleAdapter } from "../src/adapters/console/index.js";
import { createSlackMessenger } from "../src/adapters/slack/outbound/slack-messenger.js";
import type { IntakePort } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { latest, type StoredMessage } from "./fakes/discord/model.js";
import { eventCallbackBody, messageEvent } from "./fakes/slack/payloads.js";
import { BOT_TOKEN, BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { dumpRedis } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { shownIn, slackButtons, slackClick, slackCommand } from "./helpers/slack-export-scenario.js";

const redis = useRedisServer();
const SECRETS_KEY = randomBytes(32).toString("hex");
const CODE = /\b([2-9A-Z]{5}-[2-9A-Z]{5})\b/;

/** What the console printed. */
let consoleText = "";
let slack: SlackBot;
let discord: DiscordHarness;
let consoleInput: PassThrough;
let consoleDone: Promise<void>;

/**
 * One deployment serving Slack, Discord and the console: one runtime (Redis, workers, simulator) with
 * the three messengers, the real Bolt app and discord.js client in front of it.
 */
beforeAll(async () => {
  let intake: IntakePort | undefined;
  const proxy: IntakePort = {
    handle: (inbound) => intake!.handle(inbound),
    isConversation: (ref) => intake!.isConversation!(ref),
  };
  slack = await SlackBot.start({ handler: proxy });
  slack.fake.users.set("U1", { name: "alice", locale: "en-US" });
  slack.fake.users.set("U2", { name: "bob", locale: "en-US" });
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      consoleText += chunk.toString();
      callback();
    },
  });
  const consoleMessenger = new ConsoleMessenger({ output, isTTY: false });
  discord = await startDiscordHarness(redis.url, {
    env: { SECRETS_KEY },
    messengers: {
      slack: createSlackMessenger({ botToken: BOT_TOKEN, apiUrl: slack.fake.apiUrl, logger: silentLogger() }),
      console: consoleMessenger,
    },
  });
  intake = discord.runtime.intake;
  consoleInput = new PassThrough();
  consoleDone = createConsoleAdapter({
    input: consoleInput,
    output,
    handler: discord.runtime.intake,
    messenger: consoleMessenger,
    locale: "en-US",
    isTTY: false,
  }).start();
});
afterAll(async () => {
  consoleInput?.end();
  await consoleDone;
  await slack?.dispose();
  await discord?.dispose();
});

const customIds = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");
/** What `/run_sse` got, by message: the session each went to and the account (user) it ran on. */
const runOf = (message: string) =>
  discord.sim.requests.find((r) => r.path === "/run_sse" && r.message === message);
/** The ephemeral notes `user` got in Slack (`chat.postEphemeral`), as text. */
const ephemeralsTo = (user: string) =>
  slack.fake
    .callsOf("chat.postEphemeral")
    .filter((call) => call.params.user === user)
    .map((call) => shownIn(call.params));
/** What an interaction's ephemeral follow-ups said. */
const followUpText = (interaction: { followUps: Record<string, unknown>[] }) =>
  JSON.stringify(interaction.followUps);

describe("continue anywhere: one project, several threads (Slack, Discord, console)", () => {
  it("a Slack project on its owner's linked account continues in Discord with a one-time code: same session, same account; the code works once", async () => {
    const { fake } = slack;
    const sim = discord.sim;
    const account = sim.createAccount({ balance: 900 });
    await discord.runtime.services.accounts.save("slack:U1", account.token);

    await slackCommand(slack, "C100", "U1", "generate a video of a harbour", "t-start");
    await fake.waitFor(() => fake.thread("C100", undefined).length > 0, 10_000, "parent message");
    const threadTs = fake.thread("C100", undefined)[0]!.ts;
    const answer = () =>
      fake
        .thread("C100", threadTs)
        .find((m) => slackButtons(m).some((b) => b.action_id === "nemo_move_code"));
    await fake.waitFor(() => answer() !== undefined, 15_000, "answer with the continue buttons");
    const where = { channel: "C100", threadTs, message: answer()! };
    const session = runOf("generate a video of a harbour")!.sessionId;
    expect(runOf("generate a video of a harbour")!.userId).toBe(account.userId);

    // Bob, who does not own the project, gets no code.
    await slackClick(slack, where, "U2", "nemo_move_code");
    await fake.waitFor(() => ephemeralsTo("U2").length > 0, 10_000, "Bob's refusal");
    const refused = ephemeralsTo("U2").join("\n");
    expect(refused).toContain("Only the member who owns this project");
    expect(refused).not.toMatch(CODE);

    // Alice gets hers privately (the click's response_url), never in the thread.
    await slackClick(slack, where, "U1", "nemo_move_code");
    await fake.waitFor(() => ephemeralsTo("U1").some((t) => CODE.test(t)), 10_000, "Alice's code");
    const note = ephemeralsTo("U1").find((t) => CODE.test(t))!;
    expect(note).toContain("Your continue code");
    const code = CODE.exec(note)![1]!;
    expect(JSON.stringify(fake.thread("C100", threadTs))).not.toContain(code);
    const redisClient = discord.runtime.services.redis as Redis;
    const [codeKey] = await redisClient.keys("*:move-code:*");
    expect(await redisClient.ttl(codeKey!)).toBeGreaterThan(0);
    expect(await redisClient.ttl(codeKey!)).toBeLessThanOrEqual(15 * 60);

    // Bob, on Discord (with no linked account of his own), redeems it in a channel: a thread opens for it.
    const dfake = discord.fake;
    const threadsBefore = dfake.threadsIn(dfake.general.id).length;
    dfake.slash("continue", { channelId: dfake.general.id, user: dfake.bob, strings: { code } });
    await dfake.waitFor(
      () => dfake.threadsIn(dfake.general.id).length > threadsBefore,
      10_000,
      "the thread opened for the project",
    );
    const target = dfake.threadsIn(dfake.general.id).at(-1)!;
    await dfake.waitFor(
      () => discord.transcript(target.id).includes("Continued here from a Slack thread"),
      10_000,
      "the note in Discord",
    );
    expect(discord.transcript(target.id)).toContain("https://app.slack.com/client/");

    // The Slack thread says where the project went, with a link; never the code.
    const moved = () =>
      fake
        .thread("C100", threadTs)
        .map((m) => FakeSlackText(m))
        .join("\n");
    await fake.waitFor(
      () => moved().includes("This project continued in a Discord thread"),
      10_000,
      "Slack note",
    );
    expect(moved()).toContain(`https://discord.com/channels/${dfake.guild.id}/${target.id}`);
    expect(moved()).not.toContain(code);

    // Bob's next message in Discord edits the SAME backend session, on Alice's linked account.
    dfake.say(target.id, "make the harbour lights red", { author: dfake.bob });
    await dfake.waitFor(() => runOf("make the harbour lights red") !== undefined, 15_000, "Discord turn");
    await dfake.waitFor(
      () => dfake.botMessagesIn(target.id).some((m) => customIds(m).includes("nemo:move_code")),
      15_000,
      "Discord answer",
    );
    expect(runOf("make the harbour lights red")).toMatchObject({
      sessionId: session,
      userId: account.userId,
    });
    const ofSession = sim.requests.filter((r) => r.path === "/run_sse" && r.sessionId === session);
    expect(ofSession.map((r) => r.message)).toEqual([
      "generate a video of a harbour",
      "make the harbour lights red",
    ]);

    // The code works once: a second redeem is refused privately and binds nothing.
    const again = dfake.slash("continue", { channelId: target.id, user: dfake.bob, strings: { code } });
    await dfake.waitFor(
      () => followUpText(again).includes("wrong, expired or already used"),
      10_000,
      "refusal",
    );

    // Neither Redis nor the logs ever held the code in clear.
    const dump = await dumpRedis(redisClient);
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replace("-", ""));
    expect(discord.logs.text()).not.toContain(code);
    expect(discord.logs.text()).not.toContain(code.replace("-", ""));

    // The Slack thread no longer edits that project: its next message starts a new one.
    expect(
      await discord.runtime.services.sessions.find({
        platform: "slack",
        workspace: "T0FAKE",
        channel: "C100",
        thread: threadTs,
      }),
    ).toBeUndefined();
  });

  it("wrong codes are refused privately and throttled per member", async () => {
    const dfake = discord.fake;
    const thread = dfake.createThread(dfake.general.id, "guesses");
    const answers: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const guess = dfake.slash("continue", {
        channelId: thread.id,
        user: dfake.carol,
        strings: { code: `ABCDE-FGH${"JKMNPQ"[i]}` },
      });
      await dfake.waitFor(() => guess.followUps.length > 0, 10_000, `answer to guess ${i}`);
      answers.push(followUpText(guess));
    }
    expect(answers.slice(0, 5).every((a) => a.includes("wrong, expired or already used"))).toBe(true);
    expect(answers[5]).toContain("Too many wrong continue codes");
    // The throttle's counter is bounded: it runs out with its window.
    const redisClient = discord.runtime.services.redis as Redis;
    const tries = await redisClient.keys(`*:move-tries:discord:${dfake.carol.id}`);
    expect(tries).toHaveLength(1);
    expect(await redisClient.ttl(tries[0]!)).toBeGreaterThan(0);
    expect(await redisClient.ttl(tries[0]!)).toBeLessThanOrEqual(15 * 60);
  });

  it("Discord: “Continue in a new thread” opens a thread bound to the same session; only the project's owner may", async () => {
    const dfake = discord.fake;
    const question = dfake.mention(dfake.general.id, "generate a video of a lighthouse");
    await dfake.waitFor(() => dfake.channels.has(question.id), 5_000, "thread");
    const source = question.id;
    const answered = () => dfake.botMessagesIn(source).find((m) => customIds(m).includes("nemo:move_thread"));
    await dfake.waitFor(() => answered() !== undefined, 15_000, "answer with Continue in a new thread");
    const session = runOf("generate a video of a lighthouse")!.sessionId;

    const byCarol = dfake.click(answered()!, "nemo:move_thread", { user: dfake.carol });
    await dfake.waitFor(() => followUpText(byCarol).includes("Only the member who owns"), 10_000, "refusal");

    const threadsBefore = dfake.threadsIn(dfake.general.id).length;
    dfake.click(answered()!, "nemo:move_thread");
    await dfake.waitFor(
      () => dfake.threadsIn(dfake.general.id).length > threadsBefore,
      10_000,
      "the new thread",
    );
    const target = dfake.threadsIn(dfake.general.id).at(-1)!;
    await dfake.waitFor(
      () => discord.transcript(target.id).includes("Continued here from a Discord thread"),
      10_000,
      "note in the new thread",
    );
    await dfake.waitFor(
      () => discord.transcript(source).includes("This project continued in a Discord thread"),
      10_000,
      "note in the old thread",
    );
    expect(discord.transcript(source)).toContain(
      `https://discord.com/channels/${dfake.guild.id}/${target.id}`,
    );

    dfake.say(target.id, "add a storm at sea");
    await dfake.waitFor(() => runOf("add a storm at sea") !== undefined, 15_000, "turn in the new thread");
    expect(runOf("add a storm at sea")!.sessionId).toBe(session);
  });

  it("Discord: in a DM (no threads) “Continue in a new thread” says to use a code instead, and moves nothing", async () => {
    const dfake = discord.fake;
    const dm = dfake.dmWith(dfake.alice);
    dfake.say(dm.id, "generate a video of a paper boat");
    const answer = () => dfake.botMessagesIn(dm.id).find((m) => customIds(m).includes("nemo:move_thread"));
    await dfake.waitFor(() => answer() !== undefined, 15_000, "DM answer");
    const click = dfake.click(answer()!, "nemo:move_thread");
    await dfake.waitFor(() => followUpText(click).includes("open a new thread here"), 10_000, "the note");
    const ref = { platform: "discord" as const, workspace: "dm", channel: dm.id, thread: dm.id };
    expect((await discord.runtime.services.sessions.find(ref))?.sessionId).toBe(
      runOf("generate a video of a paper boat")!.sessionId,
    );
  });

  it("Discord: a /history entry continues its project in a new thread of its channel", async () => {
    const dfake = discord.fake;
    const question = dfake.mention(dfake.general.id, "generate a video of a night market");
    const answer = () => dfake.botMessagesIn(question.id).find((m) => customIds(m).includes("nemo:export"));
    await dfake.waitFor(() => answer() !== undefined, 15_000, "Discord answer");
    const session = runOf("generate a video of a night market")!.sessionId;
    dfake.click(answer()!, "nemo:export");
    await dfake.waitFor(
      () => dfake.botMessagesIn(question.id).some((m) => m.uploads.length > 0),
      15_000,
      "the exported video",
    );
    const history = dfake.slash("history", { channelId: question.id });
    await dfake.waitFor(() => followUpText(history).includes("nemo:move_thread:"), 10_000, "history");
    expect(followUpText(history)).toContain("Continue “");
    const customId = /nemo:move_thread:[\w.:-]+/.exec(followUpText(history))![0];

    // Carol (not the project's owner) is refused; Alice's click opens the thread.
    const byCarol = dfake.click(answer()!, customId, { user: dfake.carol });
    await dfake.waitFor(() => followUpText(byCarol).includes("Only the member who owns"), 10_000, "refusal");
    const threadsBefore = dfake.threadsIn(dfake.general.id).length;
    dfake.click(answer()!, customId);
    await dfake.waitFor(() => dfake.threadsIn(dfake.general.id).length > threadsBefore, 10_000, "new thread");
    const target = dfake.threadsIn(dfake.general.id).at(-1)!;
    await dfake.waitFor(
      () => discord.transcript(target.id).includes("Continued here from a Discord thread"),
      10_000,
      "note in the new thread",
    );
    dfake.say(target.id, "add lanterns");
    await dfake.waitFor(() => runOf("add lanterns") !== undefined, 15_000, "turn in the new thread");
    expect(runOf("add lanterns")!.sessionId).toBe(session);
  });

  it("Slack: /nemo continue CODE opens a thread for a Discord project (same session) only once the code is good", async () => {
    const { fake } = slack;
    const dfake = discord.fake;
    const question = dfake.mention(dfake.general.id, "generate a video of a mountain lake");
    const answered = () =>
      dfake.botMessagesIn(question.id).some((m) => customIds(m).includes("nemo:move_code"));
    await dfake.waitFor(answered, 15_000, "Discord answer");
    const session = runOf("generate a video of a mountain lake")!.sessionId;

    // A wrong code opens nothing in the channel and is answered privately (the command's response_url).
    await slackCommand(slack, "C200", "U2", "continue ABCDE-FGHJK", "t-wrong");
    await fake.waitFor(() => fake.responses.some((r) => r.path.endsWith("/t-wrong")), 10_000, "refusal");
    expect(
      shownIn(fake.responses.find((r) => r.path.endsWith("/t-wrong"))!.body as Record<string, unknown>),
    ).toContain("wrong, expired or already used");
    expect(fake.thread("C200", undefined)).toEqual([]);
    // `/nemo continue` alone says where codes come from.
    await slackCommand(slack, "C200", "U2", "continue", "t-bare");
    await fake.waitFor(() => fake.responses.some((r) => r.path.endsWith("/t-bare")), 10_000, "hint");
    const hint = fake.responses.find((r) => r.path.endsWith("/t-bare"))!.body as Record<string, unknown>;
    expect(shownIn(hint)).toContain("Get a continue code in the project's thread");
    expect(fake.thread("C200", undefined)).toEqual([]);

    const asked = dfake.slash("continue", { channelId: question.id });
    await dfake.waitFor(() => CODE.test(followUpText(asked)), 10_000, "the code, privately");
    const code = CODE.exec(followUpText(asked))![1]!;
    await slackCommand(slack, "C200", "U2", `continue ${code}`, "t-right");
    await fake.waitFor(() => fake.thread("C200", undefined).length > 0, 10_000, "the parent message");
    const parent = fake.thread("C200", undefined)[0]!;
    expect(parent.text).not.toContain(code);
    const shown = () =>
      fake
        .thread("C200", parent.ts)
        .map((m) => FakeSlackText(m))
        .join("\n");
    await fake.waitFor(() => shown().includes("Continued here from a Discord thread"), 10_000, "Slack note");
    await dfake.waitFor(
      () => discord.transcript(question.id).includes("This project continued in a Slack thread"),
      10_000,
      "Discord note",
    );
    expect(discord.transcript(question.id)).toContain(
      `https://app.slack.com/client/T0FAKE/C200/thread/C200-${parent.ts}`,
    );

    // U2's reply in the new Slack thread edits the Discord project's session.
    await slack.sendJson(
      eventCallbackBody(
        messageEvent({
          channel: "C200",
          channelType: "channel",
          user: "U2",
          text: "make the lake frozen",
          ts: "1700000500.000100",
          threadTs: parent.ts,
        }),
        { team: TEAM, eventId: "Ev-lake", botUserId: BOT_USER },
      ),
    );
    await eventually(() => runOf("make the lake frozen") !== undefined, 15_000, "Slack turn");
    expect(runOf("make the lake frozen")!.sessionId).toBe(session);
  });

  it("console: a Discord project's code from /continue, redeemed with /continue CODE in the console", async () => {
    const dfake = discord.fake;
    const question = dfake.mention(dfake.general.id, "generate a video of a desert road");
    await dfake.waitFor(
      () => dfake.botMessagesIn(question.id).some((m) => customIds(m).includes("nemo:move_code")),
      15_000,
      "Discord answer",
    );
    const session = runOf("generate a video of a desert road")!.sessionId;
    const asked = dfake.slash("continue", { channelId: question.id });
    await dfake.waitFor(() => CODE.test(followUpText(asked)), 10_000, "the code, privately");
    const code = CODE.exec(followUpText(asked))![1]!;
    expect(discord.transcript(question.id)).not.toContain(code);

    consoleInput.write(`/continue ${code.toLowerCase()}\n`);
    await eventually(
      () => consoleText.includes("Continued here from a Discord thread"),
      10_000,
      "the console's note",
    );
    await dfake.waitFor(
      () => discord.transcript(question.id).includes("This project continued in the console thread “main”"),
      10_000,
      "the Discord thread's note",
    );
    consoleInput.write("make the road wet\n");
    await eventually(() => runOf("make the road wet") !== undefined, 15_000, "console turn");
    expect(runOf("make the road wet")!.sessionId).toBe(session);
  });
});

/** A Slack message's visible text (its text and blocks). */
function FakeSlackText(message: { text: string; blocks?: unknown[] | undefined }): string {
  return shownIn({ text: message.text, blocks: message.blocks ?? [] });
}
