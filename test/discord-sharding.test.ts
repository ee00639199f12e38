import { afterEach, describe, expect, it } from "vitest";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness | undefined;

afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

/**
 * Two gateway processes, each running one shard of two: here two adapters in one test process, each
 * with its own discord.js `Client` and shard id (`shards: [0]` / `[1]`, `shardCount: 2`), on one fake
 * Discord, one Redis and one set of workers — what two `--role gateway` processes do.
 */
describe("Discord sharding: two shards split the guilds", () => {
  it("routes each guild to its shard's process, answers each message once, and resumes one shard alone", async () => {
    bot = await startDiscordHarness(redis.url, {
      fake: {
        recommendedShards: 2,
        extraGuilds: [
          { name: "Even", shard: 0, count: 2 },
          { name: "Odd", shard: 1, count: 2 },
        ],
      },
      adapter: { shards: { shards: [0], shardCount: 2 } },
    });
    await bot.addAdapter({ shards: { shards: [1], shardCount: 2 } });
    const { fake } = bot;
    const even = fake.guilds.find((guild) => guild.name === "Even")!;
    const odd = fake.guilds.find((guild) => guild.name === "Odd")!;
    const channelOf = (guildId: string) =>
      [...fake.channels.values()].find(
        (channel) => channel.guildId === guildId && channel.name === "general",
      )!;
    expect(fake.gateway.identifiedShards).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    expect(fake.gateway.identifiedShards).toHaveLength(2);

    const inEven = fake.mention(channelOf(even.id).id, "generate a video of a red kite");
    const inOdd = fake.mention(channelOf(odd.id).id, "generate a video of a blue whale");
    await fake.waitFor(
      () =>
        bot!.transcript(inEven.id).includes("Music and title added") &&
        bot!.transcript(inOdd.id).includes("Music and title added"),
      20_000,
      "both answered",
    );
    // Each guild's message reached only its shard's session; each was sent to the backend once.
    const receivers = (messageId: string) =>
      fake.gateway.delivered
        .filter((entry) => entry.t === "MESSAGE_CREATE" && (entry.d as { id: string }).id === messageId)
        .map((entry) => entry.shard);
    expect(receivers(inEven.id)).toEqual([0]);
    expect(receivers(inOdd.id)).toEqual([1]);
    expect(bot.sentMessages().filter((m) => m === "generate a video of a red kite")).toHaveLength(1);
    expect(bot.sentMessages().filter((m) => m === "generate a video of a blue whale")).toHaveLength(1);

    // Shard 1's connection drops; a message in its guild arrives while it is away; it resumes alone.
    const resumedShards: number[] = [];
    fake.gateway.on("resumed", (_session: string, _count: number, shard: number) =>
      resumedShards.push(shard),
    );
    fake.gateway.dropShard(1);
    expect(fake.gateway.connectedShardSessions(0)).toBe(1);
    const whileAway = fake.say(inOdd.id, "make the whale bigger");
    await fake.waitFor(() => resumedShards.length === 1, 15_000, "shard 1 resumed");
    expect(resumedShards).toEqual([1]);
    await fake.waitFor(
      () => bot!.sentMessages().includes("make the whale bigger"),
      20_000,
      "the message sent while shard 1 was away",
    );
    const answers = () => bot!.transcript(inOdd.id).split("Tap Export").length - 1;
    await fake.waitFor(() => answers() === 2, 20_000, "its answer");
    expect(bot.sentMessages().filter((m) => m === "make the whale bigger")).toHaveLength(1);
    expect(receivers(whileAway.id)).toEqual([1]);
    // Shard 0 never reconnected: one IDENTIFY per shard, no resume of shard 0.
    expect(fake.gateway.identifiedShards).toHaveLength(2);
    expect(fake.gateway.connectedShardSessions(0)).toBe(1);
    expect(fake.gateway.connectedShardSessions(1)).toBe(1);
  });
});
