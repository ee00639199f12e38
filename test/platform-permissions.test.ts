import { afterEach, describe, expect, it } from "vitest";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import { latest } from "./fakes/discord/model.js";
import { FAKE_ROLE_ID } from "./fakes/discord/payloads.js";
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

const redis = useRedisServer();
const ADMIN_ROLE = FAKE_ROLE_ID;

describe("Discord: thread owners and admins (real discord.js, fake Discord)", () => {
  let bot: DiscordHarness | undefined;
  afterEach(async () => {
    await bot?.dispose();
    bot = undefined;
  });

  // Components V2: the text is in the components' text displays, not in the body's `content`.
  const followUpText = (interaction: { followUps: Record<string, unknown>[] }) =>
    interaction.followUps.flatMap(textsOf).join("\n");

  it("a member's /new is refused privately; an admin's (Manage Server) is taken; a replayed Retry from another thread reaches nothing", async () => {
    bot = await startDiscordHarness(redis.url, { adapter: { adminRoles: [ADMIN_ROLE] } });
    const { fake } = bot;
    const start = fake.mention(fake.general.id, "hello there");
    await fake.waitFor(() => bot!.transcript(start.id).includes("You said"), 10_000, "answer");

    const refused = fake.slash("new", { channelId: start.id, user: fake.carol });
    await fake.waitFor(() => refused.followUps.length > 0, 10_000, "private refusal");
    expect(followUpText(refused)).toContain("Only the member who started this thread");
    expect(Number(refused.followUps[0]?.flags) & 64).toBe(64);
    expect(bot.transcript(start.id)).not.toContain("Started a fresh project");

    fake.slash("new", { channelId: start.id, user: fake.bob });
    await fake.waitFor(() => bot!.transcript(start.id).includes("Started a fresh project"), 10_000, "new");
    // A member without Manage Server but with a role in DISCORD_ADMIN_ROLES is an admin too.
    const dave = {
      id: "700000000000000042",
      username: "dave",
      permissions: fake.carol.permissions!,
      roles: [ADMIN_ROLE],
    };
    fake.slash("new", { channelId: start.id, user: dave });
    await fake.waitFor(
      () => bot!.transcript(start.id).split("Started a fresh project").length === 3,
      10_000,
      "role admin's new",
    );

    // A Retry button of thread A pressed (replayed) on a message of thread B.
    bot.sim.inject("run_sse", { kind: "status", status: 429 }, 2);
    fake.say(start.id, "once more", { author: fake.alice });
    await fake.waitFor(
      () =>
        fake
          .botMessagesIn(start.id)
          .some((m) => JSON.stringify(latest(m).components).includes("nemo:retry:")),
      10_000,
      "Retry button",
    );
    const withRetry = fake
      .botMessagesIn(start.id)
      .find((m) => JSON.stringify(latest(m).components).includes("nemo:retry:"))!;
    const retryId = /"(nemo:retry:[^"]+)"/.exec(JSON.stringify(latest(withRetry).components))![1]!;
    const other = fake.mention(fake.general.id, "another thread");
    await fake.waitFor(() => bot!.transcript(other.id).includes("You said"), 10_000, "second thread");
    const sentBefore = bot.sentMessages().length;
    const replay = fake.click(fake.botMessagesIn(other.id).at(-1)!, retryId, { user: fake.alice });
    await fake.waitFor(() => replay.followUps.length > 0, 10_000, "refusal");
    expect(followUpText(replay)).toContain("another thread");
    expect(bot.sentMessages()).toHaveLength(sentBefore);

    // /usage: a member sees their own; an admin also the server's.
    const mine = fake.slash("usage", { channelId: start.id, user: fake.carol });
    await fake.waitFor(() => mine.followUps.length > 0, 10_000, "usage");
    expect(followUpText(mine)).toContain("Your use");
    expect(followUpText(mine)).not.toContain("Use in this server");
    const place = fake.slash("usage", { channelId: fake.general.id, user: fake.bob });
    await fake.waitFor(() => place.followUps.length > 0, 10_000, "place usage");
    expect(followUpText(place)).toContain("Use in this server or workspace");
    expect(followUpText(place)).toContain(fake.alice.id);
  });
});

describe("Slack: workspace admins and SLACK_ADMIN_USERS", () => {
  let bot: SlackBot | undefined;
  afterEach(async () => {
    await bot?.dispose();
    bot = undefined;
  });

  const send = (id: string, event: Record<string, unknown>) =>
    bot!.sendJson(eventCallbackBody(event, { team: TEAM, eventId: id, botUserId: BOT_USER }));
  const ephemeralTexts = () =>
    bot!.fake.callsOf("chat.postEphemeral").map((call) => String(call.params.text));

  it("a member's New is refused ephemerally in the thread; a users.info admin's and a listed admin's are taken", async () => {
    bot = await SlackBot.start({ redisUrl: redis.url, env: { SLACK_ADMIN_USERS: "U3" } });
    bot.fake.users.set("U1", { name: "alice" });
    bot.fake.users.set("U2", { name: "bob" });
    bot.fake.users.set("U4", { name: "dora", isAdmin: true });
    const parent = "1700009000.000100";
    await send(
      "Ev1",
      appMention({ channel: "C9", user: "U1", text: `<@${BOT_USER}> hello there`, ts: parent }),
    );
    await bot.fake.waitFor(
      () => bot!.fake.thread("C9", parent).some((m) => FakeSlackApi.visible(m).includes("You said")),
      15_000,
      "answer",
    );

    const click = (user: string, ts: string) =>
      bot!.sendForm(
        blockActionsBody({
          team: TEAM,
          channel: "C9",
          user,
          botUserId: BOT_USER,
          messageTs: parent,
          threadTs: parent,
          actionId: "nemo_new",
          actionTs: ts,
          responseUrl: bot!.responseUrl(`new-${user}`),
        }),
      );
    await click("U2", "1700009001.000001");
    await bot.fake.waitFor(
      () => ephemeralTexts().some((t) => t.includes("Only the member")),
      10_000,
      "refusal",
    );
    const refusal = bot.fake
      .callsOf("chat.postEphemeral")
      .find((c) => String(c.params.text).includes("Only the member"))!;
    expect(refusal.params).toMatchObject({ channel: "C9", user: "U2", thread_ts: parent });
    const fresh = () =>
      bot!.fake
        .thread("C9", parent)
        .filter((m) => FakeSlackApi.visible(m).includes("Started a fresh project")).length;
    expect(fresh()).toBe(0);

    await click("U4", "1700009002.000001");
    await bot.fake.waitFor(() => fresh() === 1, 10_000, "workspace admin's New");
    await click("U3", "1700009003.000001");
    await bot.fake.waitFor(() => fresh() === 2, 10_000, "listed admin's New");

    // A member in the thread may still talk.
    await send(
      "Ev2",
      messageEvent({
        channel: "C9",
        channelType: "channel",
        user: "U2",
        text: "hi from bob",
        ts: "1700009004.000100",
        threadTs: parent,
        parentUserId: "U1",
      }),
    );
    await bot.fake.waitFor(
      () => bot!.fake.thread("C9", parent).some((m) => FakeSlackApi.visible(m).includes("hi from bob")),
      15_000,
      "bob's turn",
    );

    // `/nemo usage`: ephemeral; a member sees their own, a workspace admin the workspace's too.
    const usage = async (user: string) => {
      const before = ephemeralTexts().length;
      await bot!.sendForm(
        slashCommandBody({
          team: TEAM,
          channel: "C9",
          user,
          text: "usage",
          triggerId: `t.usage.${user}`,
          responseUrl: bot!.responseUrl(`usage-${user}`),
        }),
      );
      await bot!.fake.waitFor(() => ephemeralTexts().length > before, 10_000, "usage");
      return ephemeralTexts().at(-1)!;
    };
    const mine = await usage("U2");
    expect(mine).toContain("Your use");
    expect(mine).not.toContain("Use in this server or workspace");
    const place = await usage("U4");
    expect(place).toContain("Use in this server or workspace");
    expect(place).toContain("U1");
  });
});
