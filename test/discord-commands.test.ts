import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLASH_COMMANDS } from "../src/adapters/discord/index.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { type FakeInteraction, latest } from "./fakes/discord/model.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness;
/** The thread `/video` created; the other commands run in it. */
let thread: string;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    adapter: (fake) => ({ allowedChannels: [fake.general.id, fake.voice.id] }),
  });
});
afterAll(async () => {
  await bot?.dispose();
});

const EPHEMERAL = 64;

/** Where the fake's REST log stood when each interaction was sent. */
const requestsBefore = new WeakMap<FakeInteraction, number>();

function slash(...args: Parameters<DiscordHarness["fake"]["slash"]>): FakeInteraction {
  const before = bot.fake.requests.length;
  const interaction = bot.fake.slash(...args);
  requestsBefore.set(interaction, before);
  return interaction;
}

/**
 * Acknowledged with a deferred, ephemeral reply before the command wrote anything to its channel (Discord
 * allows 3 seconds: the slow work comes after the acknowledgement, never before it).
 */
function expectDeferred(interaction: FakeInteraction): void {
  expect(interaction.callbacks).toHaveLength(1);
  const [callback] = interaction.callbacks;
  expect(callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
  const since = bot.fake.requests.slice(requestsBefore.get(interaction));
  const acknowledged = since.findIndex(
    (request) => request.path === `/interactions/${interaction.id}/${interaction.token}/callback`,
  );
  expect(acknowledged).toBeGreaterThanOrEqual(0);
  const writesBefore = since
    .slice(0, acknowledged)
    .filter(
      (request) =>
        request.method !== "GET" &&
        request.path.startsWith(`/channels/${interaction.channelId}/`) &&
        !request.path.endsWith("/typing"),
    );
  expect(writesBefore).toEqual([]);
}

/** Every message in the thread was written with the bot token (never the interaction token). */
function expectBotTokenOnly(threadId: string): void {
  const writes = bot.fake.requests.filter((r) => r.path.startsWith(`/channels/${threadId}/messages`));
  expect(writes.length).toBeGreaterThan(0);
  expect(writes.every((write) => write.auth === "bot")).toBe(true);
}

async function runInThread(name: string, needle: string | RegExp, strings?: Record<string, string>) {
  const { fake } = bot;
  const interaction = slash(name, { channelId: thread, ...(strings ? { strings } : {}) });
  const shows = () => {
    const text = bot.transcript(thread);
    return typeof needle === "string" ? text.includes(needle) : needle.test(text);
  };
  await fake.waitFor(() => shows() && interaction.originalDeleted, 10_000, `/${name} result`);
  expectDeferred(interaction);
  return interaction;
}

describe("Discord slash commands", () => {
  it("registers the full command list to the guild with one PUT at start", () => {
    expect(bot.fake.commandRegistrations).toHaveLength(1);
    const [registration] = bot.fake.commandRegistrations;
    expect(registration!.path).toBe(`guild:${bot.fake.guild.id}`);
    expect((registration!.body as { name: string }[]).map((c) => c.name).sort()).toEqual(
      [
        "cancel",
        "credits",
        "export",
        "help",
        "history",
        "usage",
        "new",
        "status",
        "video",
        "login",
        "logout",
        "whoami",
        // Settings (issue 21)
        "settings",
        "continue",
      ].sort(),
    );
    expect(registration!.body).toEqual(SLASH_COMMANDS);
  });

  it("/video in a channel: deferred, parent message that pings nobody, thread, pointer, result posted in the thread", async () => {
    const { fake } = bot;
    const interaction = slash("video", {
      channelId: fake.general.id,
      strings: { prompt: "generate a video of a sunset over the sea" },
    });
    await fake.waitFor(() => interaction.edits.length > 0, 5_000, "pointer");
    expectDeferred(interaction);
    const [parent] = fake.botMessagesIn(fake.general.id);
    expect(latest(parent!).content).toBe(`🎬 <@${fake.alice.id}>: generate a video of a sunset over the sea`);
    expect(latest(parent!).allowedMentions).toEqual({ parse: [] });
    const created = fake.threadsIn(fake.general.id);
    expect(created).toHaveLength(1);
    thread = created[0]!.id;
    expect(created[0]!.name).toBe("generate a video of a sunset over the sea");
    expect(interaction.edits[0]!.body.content).toBe(`→ continuing in <#${thread}>`);

    await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 10_000, "answer");
    expect(bot.sentMessages()).toContain("generate a video of a sunset over the sea");
    expectBotTokenOnly(thread);
    // Only the parent message is in the channel.
    expect(fake.botMessagesIn(fake.general.id)).toHaveLength(1);
  });

  it("/status, /credits, /export, /cancel, /help and /new in the thread: deferred, answered in the thread, reply deleted", async () => {
    await runInThread("status", "Timeline (");
    await runInThread("credits", "Credits:");
    await runInThread("cancel", "There's no queued message to cancel.");
    await runInThread("help", "I make and edit videos with NemoVideo");
    const exportCommand = await runInThread("export", "🎞️");
    await bot.fake.waitFor(
      () =>
        bot.fake.botMessagesIn(thread).some((m) => m.uploads.some((file) => /\.mp4$/.test(file.filename))),
      10_000,
      "video attachment",
    );
    expect(exportCommand.followUps).toEqual([]);
    await runInThread("new", "Started a fresh project for this thread.");
    expectBotTokenOnly(thread);
  });

  it("/video in the thread with a file uploads it and sends the prompt", async () => {
    const { fake } = bot;
    const interaction = slash("video", {
      channelId: thread,
      strings: { prompt: "put this at the start" },
      file: { name: "intro.mp4", size: 40_000, contentType: "video/mp4" },
    });
    await fake.waitFor(
      () =>
        bot.transcript(thread).includes("Added intro.mp4") &&
        bot.transcript(thread).includes("put this at the start") &&
        interaction.originalDeleted,
      10_000,
      "upload and prompt",
    );
    expectDeferred(interaction);
    expect(fake.threadsIn(fake.general.id)).toHaveLength(1);
  });

  it("a command that needs a thread, used in a channel, answers with an ephemeral hint and posts nothing", async () => {
    const { fake } = bot;
    const before = fake.botMessagesIn(fake.general.id).length;
    const interaction = slash("export", { channelId: fake.general.id });
    await fake.waitFor(() => interaction.edits.length > 0, 5_000, "hint");
    expectDeferred(interaction);
    expect(interaction.edits[0]!.body.content).toMatch(
      /Use `\/video` to start a video thread, then use `\/export`/,
    );
    expect(fake.botMessagesIn(fake.general.id)).toHaveLength(before);
  });

  it("/help in a channel answers in place; /video where threads cannot be made says so", async () => {
    const { fake } = bot;
    const help = slash("help", { channelId: fake.general.id });
    const voice = slash("video", { channelId: fake.voice.id, strings: { prompt: "generate a video" } });
    await fake.waitFor(() => help.edits.length > 0 && voice.edits.length > 0, 5_000, "answers");
    expectDeferred(help);
    expect(help.edits[0]!.body.content).toMatch(
      /I make and edit videos[\s\S]*Start a video thread with `\/video`/,
    );
    expect(voice.edits[0]!.body.content).toMatch(/can't work in this kind of channel/);
    expect(fake.botMessagesIn(fake.voice.id)).toEqual([]);
  });

  it("refuses commands in a channel that is not allowed, ephemerally, in the user's language", async () => {
    const { fake } = bot;
    const interaction = fake.slash("video", {
      channelId: fake.offLimits.id,
      strings: { prompt: "generate a video of a secret" },
      locale: "zh-CN",
    });
    await fake.waitFor(() => interaction.callbacks.length > 0, 5_000, "refusal");
    expect(interaction.callbacks[0]).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(String(interaction.callbacks[0]!.data!.content)).toMatch(/没有启用/);
    expect(fake.threadsIn(fake.offLimits.id)).toEqual([]);
    expect(bot.sentMessages().some((m) => m.includes("secret"))).toBe(false);
  });

  it("refuses malformed buttons and buttons outside a conversation thread, ephemerally", async () => {
    const { fake } = bot;
    const answer = fake.botMessagesIn(thread).at(-1)!;
    const forged = fake.click(answer, "nemo:export:../../etc");
    const unknown = fake.click(answer, "nemo:launch-rockets");
    const [parent] = fake.botMessagesIn(fake.general.id);
    const outside = fake.click(parent!, "nemo:credits");
    await fake.waitFor(
      () => [forged, unknown, outside].every((interaction) => interaction.callbacks.length > 0),
      5_000,
      "refusals",
    );
    for (const interaction of [forged, unknown, outside]) {
      expect(interaction.callbacks[0]).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    }
    expect(String(outside.callbacks[0]!.data!.content)).toMatch(/only works in a video thread/);
    expect(
      bot.logs.find("inbound").filter((line) => line.trace === forged.id || line.trace === outside.id),
    ).toEqual([]);
  });
});
