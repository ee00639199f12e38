import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { looksLikePastedSecret, routeInbound } from "../src/core/conversation/router.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { appMention, eventCallbackBody, slashCommandBody } from "./fakes/slack/payloads.js";
import { BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const SECRETS_KEY = randomBytes(32).toString("hex");

describe("a token typed in a chat", () => {
  const inbound = (text: string) => ({
    id: "1",
    ref: { platform: "console" as const, workspace: "w", channel: "c", thread: "t" },
    user: { id: "u" },
    text,
    attachments: [],
  });

  it("is a pasted secret as `/login <anything>` or `login <token-like>`, never a login", () => {
    for (const text of [
      "/login PlainTokenWithoutPrefix0123456789",
      "/login short",
      "@NemoBot /login abc",
      "login Zk3vR9pQ2mW7xT4yL8nB",
      "nmv_usr_abc123def456",
    ]) {
      expect(looksLikePastedSecret(text), text).toBe(true);
      expect(routeInbound(inbound(text)), text).toEqual({ kind: "token_pasted" });
    }
    for (const text of ["/login", "login", "how do I login to my account", "login problems again"])
      expect(looksLikePastedSecret(text), text).toBe(false);
    expect(routeInbound(inbound("/login"))).toEqual({ kind: "login" });
    // The private form's token comes as the action's argument, and links.
    expect(
      routeInbound({ ...inbound(""), action: { kind: "login", arg: "PlainTokenWithoutPrefix0123456789" } }),
    ).toEqual({ kind: "login", arg: "PlainTokenWithoutPrefix0123456789" });
  });
});

describe("Discord: a token pasted in public", () => {
  let bot: DiscordHarness;
  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url, { env: { SECRETS_KEY } });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  async function botThread(): Promise<string> {
    const { fake } = bot;
    const video = fake.slash("video", { channelId: fake.general.id, strings: { prompt: "hello there" } });
    await fake.waitFor(() => video.edits.length > 0, 5_000, "pointer");
    const thread = fake.threadsIn(fake.general.id).at(-1)!.id;
    await fake.waitFor(() => bot.transcript(thread).includes("hello there"), 15_000, "first answer");
    return thread;
  }

  it("`/login <token>` in a thread: not linked, the message deleted, the sender told to revoke it", async () => {
    const { fake, sim } = bot;
    const account = sim.createAccount({ token: `Plain${randomBytes(12).toString("hex")}` });
    const thread = await botThread();
    const message = fake.say(thread, `/login ${account.token}`);
    await fake.waitFor(() => bot.transcript(thread).includes("revoke it"), 10_000, "warning");
    expect(bot.transcript(thread)).toContain("I deleted your message");
    expect(fake.messages.get(message.id)?.deleted).toBe(true);
    expect(await bot.runtime.services.accounts.token(`discord:${fake.alice.id}`)).toBeUndefined();
    expect(bot.transcript(thread)).not.toContain(account.token);
    expect(bot.logs.text()).not.toContain(account.token);
    expect(bot.logs.text()).toContain("token-pasted-not-forwarded");
  });

  it("in a DM (a bot cannot delete there): the member is told to delete it themselves", async () => {
    const { fake } = bot;
    const dm = fake.dmWith(fake.bob);
    const secret = `nmv_usr_${randomBytes(10).toString("hex")}`;
    const message = fake.say(dm.id, `here: ${secret}`, { author: fake.bob });
    await fake.waitFor(() => bot.transcript(dm.id).includes("revoke it"), 10_000, "warning");
    expect(bot.transcript(dm.id)).toContain("delete it yourself");
    expect(fake.messages.get(message.id)?.deleted).toBe(false);
    expect(bot.transcript(dm.id)).not.toContain(secret);
  });

  it("in a mention in a channel: no thread opened on it, the message deleted, a warning without the token", async () => {
    const { fake } = bot;
    const secret = `nmv_usr_${randomBytes(10).toString("hex")}`;
    const threadsBefore = fake.threadsIn(fake.general.id).length;
    const message = fake.mention(fake.general.id, `link me ${secret}`);
    await fake.waitFor(() => bot.transcript(fake.general.id).includes("revoke it"), 10_000, "warning");
    expect(fake.messages.get(message.id)?.deleted).toBe(true);
    expect(fake.threadsIn(fake.general.id)).toHaveLength(threadsBefore);
    expect(bot.transcript(fake.general.id)).not.toContain(secret);
    expect(bot.logs.text()).not.toContain(secret);
  });
});

describe("Slack: a token pasted in public", () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start({ redisUrl: redis.url, env: { SECRETS_KEY } });
    bot.fake.users.set("U7", { name: "carol", locale: "en-US" });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("`/login <token>` in a mention: not linked, an ephemeral warning that says to delete it (bots cannot)", async () => {
    const account = bot.sim!.createAccount({ token: `Plain${randomBytes(12).toString("hex")}` });
    const mention = appMention({
      channel: "C700",
      user: "U7",
      text: `<@${BOT_USER}> /login ${account.token}`,
      ts: "90.1",
    });
    await bot.sendJson(eventCallbackBody(mention, { team: TEAM, eventId: "EvPasted", botUserId: BOT_USER }));
    const ephemerals = () =>
      bot.fake
        .callsOf("chat.postEphemeral")
        .map((call) => `${String(call.params.text)} ${JSON.stringify(call.params.blocks ?? "")}`)
        .join("\n");
    await bot.fake.waitFor(() => ephemerals().includes("revoke it"), 10_000, "warning");
    expect(ephemerals()).toContain("Slack does not let a bot delete members' messages");
    expect(await bot.runtime!.services.accounts.token("slack:U7")).toBeUndefined();
    expect(JSON.stringify(bot.fake.calls)).not.toContain(account.token);
  });

  it("`/nemo login <token>`: no public thread is opened with it; the answer is private", async () => {
    const token = `Plain${randomBytes(12).toString("hex")}`;
    bot.sim!.createAccount({ token });
    await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C700",
        user: "U7",
        text: `login ${token}`,
        triggerId: "t-pasted",
        responseUrl: bot.responseUrl("pasted"),
      }),
    );
    await bot.fake.waitFor(() => JSON.stringify(bot.fake.responses).includes("revoke it"), 10_000, "warning");
    expect(
      bot.fake.callsOf("chat.postMessage").map((call) => JSON.stringify(call.params)),
    ).not.toContainEqual(expect.stringContaining(token));
    expect(JSON.stringify(bot.fake.calls)).not.toContain(token);
    expect(await bot.runtime!.services.accounts.token("slack:U7")).toBeUndefined();
  });
});
