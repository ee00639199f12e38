import { afterEach, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../src/adapters/discord/index.js";
import { silentLogger } from "../src/core/logger.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness | undefined;

afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const INTENTS = { guilds: 1 << 0, guildMessages: 1 << 9, directMessages: 1 << 12, messageContent: 1 << 15 };

describe("Discord gateway: resume, replays, intents", () => {
  it("a disconnect and RESUME mid-turn loses nothing and doubles nothing", async () => {
    bot = await startDiscordHarness(redis.url, { sim: { generationMs: 300 } });
    const { fake } = bot;
    const first = fake.mention(fake.general.id, "generate a video of a lighthouse in a storm");
    await eventually(
      () => bot!.sentMessages().some((m) => m.includes("lighthouse")),
      10_000,
      "turn under way",
    );

    // The socket drops mid-turn; a follow-up arrives while the bot is away; the new connection replays
    // it, and (at least once) the message that was already handled.
    const replayed: number[] = [];
    fake.gateway.on("resumed", (_session: string, count: number) => replayed.push(count));
    fake.dropConnections();
    const followUp = fake.say(first.id, "what colour is the lighthouse?");
    fake.replayOnResumeFrom(first.id);
    await fake.waitFor(() => fake.gateway.resumes === 1, 10_000, "resume");
    // Replayed: the handled mention again, the bot's messages since, and the follow-up.
    expect(replayed[0]).toBeGreaterThanOrEqual(2);

    await fake.waitFor(
      () => bot!.transcript(first.id).includes("what colour is the lighthouse?"),
      10_000,
      "follow-up answered",
    );
    await fake.waitFor(
      () => bot!.transcript(first.id).includes("Music and title added"),
      10_000,
      "first answered",
    );
    const sent = bot.sentMessages();
    expect(sent.filter((m) => m === "generate a video of a lighthouse in a storm")).toHaveLength(1);
    expect(sent.filter((m) => m === "what colour is the lighthouse?")).toHaveLength(1);
    const [session] = bot.sim.sessions();
    expect(bot.sim.runSseCount(session!)).toBe(2);
    expect(fake.threadsIn(fake.general.id)).toHaveLength(1);
    // One acknowledgement per message: nothing was acknowledged twice.
    const acks = fake.botMessagesIn(first.id).filter((m) => m.versions[0]!.content.startsWith("⏳"));
    expect(acks).toHaveLength(2);
    expect(followUp.id).not.toBe(first.id);
    await eventually(() => bot!.logs.find("discord-gateway-resumed").length === 1, 5_000, "resume logged");
  });

  it("the same message seen by two gateway processes is processed once (Redis dedupe, existing thread reused)", async () => {
    bot = await startDiscordHarness(redis.url);
    await bot.addAdapter();
    const { fake } = bot;
    expect(fake.gateway.connectedSessions).toBe(2);
    const message = fake.mention(fake.general.id, "hello twice");
    await fake.waitFor(() => bot!.transcript(message.id).includes("You said"), 10_000, "answer");
    await eventually(
      () => bot!.logs.find("inbound-duplicate-ignored").length === 1,
      5_000,
      "duplicate ignored",
    );
    expect(bot.sentMessages().filter((m) => m === "hello twice")).toHaveLength(1);
    expect(fake.threadsIn(fake.general.id).map((t) => t.id)).toEqual([message.id]);
    expect(
      fake.requests.filter((r) => r.path.endsWith(`/messages/${message.id}/threads`)).map((r) => r.status),
    ).toEqual([201, 400]);
    expect(
      fake.botMessagesIn(message.id).filter((m) => m.versions[0]!.content.startsWith("⏳")),
    ).toHaveLength(1);
  });

  it("without the Message Content intent: not requested, a warning logged, mentions still work, follow-ups without one are skipped", async () => {
    bot = await startDiscordHarness(redis.url, { adapter: { messageContent: false } });
    const { fake, logs } = bot;
    const [intents] = fake.gateway.identifies;
    expect(intents! & INTENTS.messageContent).toBe(0);
    expect(intents).toBe(INTENTS.guilds | INTENTS.guildMessages | INTENTS.directMessages);
    const warning = logs.find("discord-message-content-off");
    expect(warning).toHaveLength(1);
    expect(warning[0]!.level).toBe(40);

    const start = fake.mention(fake.general.id, "hello without content");
    await fake.waitFor(() => bot!.transcript(start.id).includes("You said"), 10_000, "mention answered");
    const silent = fake.say(start.id, "this one has no mention");
    const mentioned = fake.mention(start.id, "this one has a mention");
    await fake.waitFor(
      () => bot!.transcript(start.id).includes("this one has a mention"),
      10_000,
      "mention in thread",
    );
    expect(bot.sentMessages()).not.toContain("this one has no mention");
    expect(logs.find("inbound").map((line) => line.trace)).not.toContain(silent.id);
    expect(logs.find("inbound").map((line) => line.trace)).toContain(mentioned.id);
  });

  it("says what to do when Discord refuses the Message Content intent, and never logs the token", async () => {
    const fake = await FakeDiscord.start({ rejectMessageContentIntent: true });
    try {
      const adapter = createDiscordAdapter({
        token: fake.token,
        apiUrl: fake.apiUrl,
        allowedGuilds: [],
        allowedChannels: [],
        messageContent: true,
        handler: { handle: async () => undefined },
        logger: silentLogger(),
      });
      await expect(adapter.start()).rejects.toThrow(
        /Message Content intent.*DISCORD_MESSAGE_CONTENT=false.*Developer Portal/,
      );
    } finally {
      await fake.close();
    }
  });

  it("registers commands globally without a guild id, and its logs hold no token", async () => {
    bot = await startDiscordHarness(redis.url, { adapter: { guildId: undefined } });
    expect(bot.fake.commandRegistrations.map((r) => r.path)).toEqual(["global"]);
    const body = bot.fake.commandRegistrations[0]!.body as {
      contexts?: number[];
      integration_types?: number[];
    }[];
    // Guild and user installs; usable in servers, the bot's DM and private channels.
    expect(body.every((command) => command.integration_types?.join() === "0,1")).toBe(true);
    expect(body.every((command) => command.contexts?.join() === "0,1,2")).toBe(true);
    const message = bot.fake.mention(bot.fake.general.id, "hello");
    await bot.fake.waitFor(() => bot!.transcript(message.id).includes("You said"), 10_000, "answer");
    expect(bot.logs.text()).not.toContain(bot.fake.token);
    expect(bot.logs.find("discord-started")).toHaveLength(1);
  });
});
