import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { type FakeUser, latest, type StoredMessage } from "./fakes/discord/model.js";
import { viewSubmissionBody } from "./fakes/slack/payloads.js";
import { SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import {
  shownIn,
  slackButtons,
  slackClick,
  slackCommand,
  slackExportedThread,
} from "./helpers/slack-export-scenario.js";

/*
 * A full scenario on each platform — log in, generate, export, the project link, history, credits (a
 * member's own account and the bot's shared one, asked by an admin) — and then a scan of EVERY message
 * the fakes saw posted where others can read it. Public: channel and thread posts and their edits, file
 * comments, interaction responses without the ephemeral flag, `response_url` answers `in_channel`.
 * Private: ephemeral responses and notes, DMs with the bot, modals.
 */

const redis = useRedisServer();
const SECRETS_KEY = randomBytes(32).toString("hex");
const EPHEMERAL = 64;
const CLAIM = /ct=clm_|workspace\/claim\?ct=/;
const BIND = /bind=/;
/** The balance as the bot words it (credits, the low-balance warning). */
const BALANCE = /Credits: \d+ available|running low: \d+/;

/** One message someone saw: where (channel or thread id), whether everyone there could, and its text. */
interface Seen {
  where: string;
  public: boolean;
  text: string;
}

function discordSeen(bot: DiscordHarness): Seen[] {
  const { fake } = bot;
  const seen: Seen[] = [];
  for (const message of fake.messages.values()) {
    if (message.author.id !== fake.bot.id) continue;
    const type = fake.channels.get(message.channelId)?.type;
    const isPublic = type !== 1 && type !== 3 && (message.flags & EPHEMERAL) === 0;
    for (const version of message.versions) {
      seen.push({ where: message.channelId, public: isPublic, text: JSON.stringify(version) });
    }
  }
  for (const interaction of fake.interactions.values()) {
    const where = interaction.channelId;
    const flagged = (body: Record<string, unknown> | undefined) => (Number(body?.flags) & EPHEMERAL) !== 0;
    const first = interaction.callbacks[0];
    // Type 4 answers in the channel, 5 defers the original response (whose edits then show): both public
    // unless flagged ephemeral. Types 6 and 7 stand for the clicked message (public); 9 opens a modal.
    const originalPublic = first !== undefined && first.type !== 9 && !flagged(first.data);
    for (const callback of interaction.callbacks) {
      if (callback.data === undefined || callback.type === 9) continue;
      seen.push({
        where,
        public: callback.type === 7 || !flagged(callback.data),
        text: JSON.stringify(callback.data),
      });
    }
    for (const edit of interaction.edits)
      seen.push({ where, public: originalPublic, text: JSON.stringify(edit.body) });
    for (const body of interaction.followUps)
      seen.push({ where, public: !flagged(body), text: JSON.stringify(body) });
  }
  return seen;
}

function slackSeen(bot: SlackBot): Seen[] {
  const seen: Seen[] = [];
  const shown = [
    "chat.postMessage",
    "chat.update",
    "chat.startStream",
    "chat.appendStream",
    "chat.stopStream",
  ];
  for (const call of bot.fake.calls) {
    const channel = String(call.params.channel ?? call.params.channel_id ?? "");
    // The app's DM with one user (D…, or posted to the user id U…/W…) is theirs alone.
    const isPublic = !/^[DUW]/.test(channel);
    if (shown.includes(call.method)) {
      seen.push({
        where: channel,
        public: isPublic,
        text: `${shownIn(call.params)} ${JSON.stringify(call.params)}`,
      });
    } else if (call.method === "files.completeUploadExternal") {
      seen.push({ where: channel, public: isPublic, text: String(call.params.initial_comment ?? "") });
    } else if (call.method === "chat.postEphemeral" || call.method === "views.open") {
      seen.push({ where: channel, public: false, text: JSON.stringify(call.params) });
    }
  }
  for (const response of bot.fake.responses) {
    const body = response.body as Record<string, unknown>;
    seen.push({ where: "*", public: body.response_type === "in_channel", text: JSON.stringify(body) });
  }
  return seen;
}

const publicText = (seen: Seen[], where?: string) =>
  seen
    .filter((s) => s.public && (where === undefined || s.where === where || s.where === "*"))
    .map((s) => s.text)
    .join("\n");
const privateText = (seen: Seen[]) =>
  seen
    .filter((s) => !s.public)
    .map((s) => s.text)
    .join("\n");
/** Everything the bot showed (public or not) in a place, to wait on. */
const allText = (seen: Seen[], where: string) =>
  seen
    .filter((s) => s.where === where || s.where === "*")
    .map((s) => s.text)
    .join("\n");
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;

const customIds = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");

/** The bot's operator on Discord (`OPERATOR_DISCORD_USERS`): the only one who gets the bind link. */
const OPERATOR: FakeUser = { id: "700000000000000071", username: "opal" };

describe("Discord: no public message carries a claim link, a bind link or a member's own balance", () => {
  let bot: DiscordHarness;
  /** Alice's thread, which runs on her own linked account. */
  let personal = "";
  let seen: Seen[] = [];

  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url, { env: { SECRETS_KEY, OPERATOR_DISCORD_USERS: OPERATOR.id } });
    const { fake, sim } = bot;
    const now = () => discordSeen(bot);
    const account = sim.createAccount({ balance: 5_000 });

    // Alice (an admin: Manage Server) links her own account.
    const submit = fake.submitCommandModal(
      "nemo:login",
      { token: account.token },
      { channelId: fake.general.id },
    );
    await fake.waitFor(() => submit.followUps.length > 0, 10_000, "login");

    // She generates and exports in her thread (her account): the link goes to her alone.
    const question = fake.mention(fake.general.id, "generate a video of a lighthouse at dusk");
    await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread");
    personal = question.id;
    await fake.waitFor(() => bot.transcript(personal).includes("Music and title added"), 15_000, "answer");
    const answer = fake.botMessagesIn(personal).find((m) => customIds(m).includes("nemo:export"))!;
    fake.click(answer, "nemo:export");
    const video = () => fake.botMessagesIn(personal).find((m) => m.uploads.length > 0);
    await fake.waitFor(() => video() !== undefined, 15_000, "video");
    await fake.waitFor(() => CLAIM.test(privateText(now())), 10_000, "the owner's link");
    const link = customIds(video()!).find((id) => id.startsWith("nemo:project_link:"))!;
    const bobs = fake.click(video()!, link, { user: fake.bob });
    const alices = fake.click(video()!, link);
    await fake.waitFor(() => bobs.followUps.length > 0 && alices.followUps.length > 0, 10_000, "link clicks");

    // Credits in her thread: the button and the command.
    const credits = () => count(allText(now(), personal), BALANCE);
    fake.click(answer, "nemo:credits");
    await fake.waitFor(() => credits() >= 1, 10_000, "credits (button)");
    const slash = fake.slash("credits", { channelId: personal });
    await fake.waitFor(() => credits() >= 2 && slash.callbacks.length > 0, 10_000, "credits (command)");
    // Typed in her thread (no interaction to answer privately): her DM with the bot, not the thread.
    const dm = fake.dmWith(fake.alice).id;
    const inThread = credits();
    fake.say(personal, "credits");
    const typed = () => credits() > inThread || BALANCE.test(allText(now(), dm));
    await fake.waitFor(typed, 10_000, "credits (typed)");
    // "/whoami" typed in her thread: her DM too (even the masked token is hers alone).
    fake.say(personal, "/whoami");
    const whoami = () => /Your linked account/.test(allText(now(), personal) + allText(now(), dm));
    await fake.waitFor(whoami, 10_000, "whoami (typed)");

    // History, by command in her thread and typed by Bob in his own thread (a DM answers him).
    const history = fake.slash("history", { channelId: personal });
    await fake.waitFor(() => history.followUps.length > 0, 10_000, "history");
    const hello = fake.mention(fake.general.id, "hello there", { author: fake.bob });
    await fake.waitFor(() => bot.transcript(hello.id).includes("You said"), 15_000, "Bob's answer");
    fake.say(hello.id, "/history", { author: fake.bob });
    await fake.waitFor(
      () => bot.transcript(fake.dmWith(fake.bob).id).includes("exported"),
      10_000,
      "Bob's history",
    );

    // Alice, a place admin, asks for credits in Bob's thread (the bot's shared account): no bind link;
    // the operator asks too: the bind link, privately.
    const bobsAnswer = fake.botMessagesIn(hello.id).find((m) => customIds(m).includes("nemo:credits"))!;
    const shared = () => count(allText(now(), hello.id), BALANCE);
    const before = shared();
    fake.click(bobsAnswer, "nemo:credits");
    await fake.waitFor(() => shared() > before, 10_000, "the admin's credits");
    fake.click(bobsAnswer, "nemo:credits", { user: OPERATOR });
    await fake.waitFor(() => BIND.test(privateText(now())), 10_000, "the operator's bind link");
    seen = now();
  }, 120_000);
  afterAll(async () => {
    await bot?.dispose();
  });

  it("ran the whole scenario: the video in public; the claim and bind links and the balance privately", () => {
    expect(publicText(seen, personal)).toContain("Your video is ready");
    expect(privateText(seen)).toMatch(CLAIM);
    expect(privateText(seen)).toMatch(BIND);
    expect(privateText(seen)).toContain("Your last exports");
    expect(allText(seen, personal)).toMatch(BALANCE);
  });

  it("no public message carries a claim link (ct=clm_…)", () => {
    expect(publicText(seen)).not.toMatch(CLAIM);
  });

  it("no public message carries the shared account's bind link", () => {
    expect(publicText(seen)).not.toMatch(BIND);
  });

  it("no public message shows the balance of a member's own account", () => {
    expect(publicText(seen, personal)).not.toMatch(BALANCE);
  });

  it("no public message shows a member's linked account, even masked", () => {
    expect(privateText(seen)).toMatch(/Your linked account/);
    expect(publicText(seen)).not.toMatch(/Your linked account/);
  });
});

/** The bot's operator on Slack (`OPERATOR_SLACK_USERS`): the only one who gets the bind link. */
const SLACK_OPERATOR = "UOP";

describe("Slack: no public message carries a claim link, a bind link or a member's own balance", () => {
  let bot: SlackBot;
  /** The channel of U1's thread, which runs on her own linked account. */
  const personal = "C501";
  let seen: Seen[] = [];

  beforeAll(async () => {
    bot = await SlackBot.start({
      redisUrl: redis.url,
      env: { SECRETS_KEY, OPERATOR_SLACK_USERS: SLACK_OPERATOR },
    });
    const { fake } = bot;
    fake.users.set(SLACK_OPERATOR, { name: "opal", locale: "en-US" });
    fake.users.set("U1", { name: "alice", locale: "en-US" });
    fake.users.set("U2", { name: "bob", locale: "en-US" });
    fake.users.set("U3", { name: "carol", locale: "en-US", isAdmin: true });
    const now = () => slackSeen(bot);
    const account = bot.sim!.createAccount({ balance: 5_000 });

    // U1 links her own account (the modal), then generates and exports in her thread.
    await slackCommand(bot, "C500", "U1", "login", "t-login");
    await fake.waitFor(() => fake.callsOf("views.open").length > 0, 5_000, "views.open");
    const opened = fake.callsOf("views.open")[0]!.params;
    const view = (typeof opened.view === "string" ? JSON.parse(opened.view) : opened.view) as {
      callback_id: string;
      private_metadata: string;
    };
    await bot.sendForm(
      viewSubmissionBody({
        team: TEAM,
        user: "U1",
        viewId: "V1",
        view,
        values: { token: { token: account.token } },
      }),
    );
    await fake.waitFor(() => privateText(now()).includes("is linked"), 10_000, "login");
    const { threadTs, video } = await slackExportedThread(
      bot,
      personal,
      "U1",
      "generate a video of a lighthouse at dusk",
    );
    await fake.waitFor(() => CLAIM.test(privateText(now())), 10_000, "the owner's link");
    const where = { channel: personal, threadTs, message: video };
    const link = slackButtons(video).find((b) => b.action_id === "nemo_project_link")!.value;
    await slackClick(bot, where, "U2", "nemo_project_link", link);
    await slackClick(bot, where, "U1", "nemo_project_link", link);
    await fake.waitFor(() => count(privateText(now()), CLAIM) >= 2, 10_000, "link clicks");

    // Credits in her thread: the button and the command; then her history.
    const credits = () => count(allText(now(), personal), BALANCE);
    await slackClick(bot, where, "U1", "nemo_credits");
    await fake.waitFor(() => credits() >= 1, 10_000, "credits (button)");
    await slackCommand(bot, personal, "U1", "credits", "t-credits");
    await fake.waitFor(() => credits() >= 2, 10_000, "credits (command)");
    await slackCommand(bot, personal, "U1", "history", "t-history");
    await fake.waitFor(() => privateText(now()).includes("Your last exports"), 10_000, "history");

    // U3, a workspace admin, asks for credits in U2's thread (the bot's shared account): no bind link.
    // The operator (OPERATOR_SLACK_USERS) clicks the same button (the balance in the thread, the bind
    // link to them alone), then types `/nemo credits` in the channel: the bind link through the
    // command's response_url.
    await slackCommand(bot, "C502", "U2", "hello there", "t-hello");
    await fake.waitFor(() => fake.thread("C502", undefined).length > 0, 5_000, "U2's thread");
    const parent = fake.thread("C502", undefined)[0]!;
    const answer = () =>
      fake.thread("C502", parent.ts).find((m) => slackButtons(m).some((b) => b.action_id === "nemo_credits"));
    await fake.waitFor(() => answer() !== undefined, 15_000, "U2's answer");
    const shared = () => count(allText(now(), "C502"), BALANCE);
    const sharedWhere = { channel: "C502", threadTs: parent.ts, message: answer()! };
    await slackClick(bot, sharedWhere, "U3", "nemo_credits");
    await fake.waitFor(() => shared() >= 1, 10_000, "the shared account's credits");
    expect(privateText(now())).not.toMatch(BIND);
    await slackClick(bot, sharedWhere, SLACK_OPERATOR, "nemo_credits");
    await fake.waitFor(() => shared() >= 2, 10_000, "the operator's credits (button)");
    // A click has no response_url: the link goes to the operator alone (ephemeral, else their DM).
    await fake.waitFor(() => BIND.test(privateText(now())), 10_000, "the operator's bind link (button)");
    await slackCommand(bot, "C502", SLACK_OPERATOR, "credits", "t-op-credits");
    const byCommand = () => bot.fake.responses.some((r) => BIND.test(JSON.stringify(r.body)));
    await fake.waitFor(byCommand, 10_000, "the operator's bind link (command)");
    seen = now();
  }, 120_000);
  afterAll(async () => {
    await bot?.dispose();
  });

  it("ran the whole scenario: the video in public; the claim and bind links and the balance privately", () => {
    expect(publicText(seen, personal)).toContain("Your video is ready");
    expect(privateText(seen)).toMatch(CLAIM);
    expect(privateText(seen)).toMatch(BIND);
    // Through the operator's command's response_url, ephemeral.
    const bound = bot.fake.responses
      .map((r) => r.body as Record<string, unknown>)
      .filter((b) => BIND.test(JSON.stringify(b)));
    expect(bound.length).toBeGreaterThan(0);
    expect(bound.every((b) => b.response_type !== "in_channel")).toBe(true);
    expect(privateText(seen)).toContain("Your last exports");
    expect(allText(seen, personal)).toMatch(BALANCE);
  });

  it("no public message carries a claim link (ct=clm_…)", () => {
    expect(publicText(seen)).not.toMatch(CLAIM);
  });

  it("no public message carries the shared account's bind link", () => {
    expect(publicText(seen)).not.toMatch(BIND);
  });

  it("no public message shows the balance of a member's own account", () => {
    expect(publicText(seen, personal)).not.toMatch(BALANCE);
  });
});
