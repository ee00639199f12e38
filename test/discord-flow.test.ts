import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { galleryUrls, interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { latest, type StoredMessage } from "./fakes/discord/model.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    adapter: (fake) => ({ allowedChannels: [fake.general.id, fake.media.id] }),
  });
});
afterAll(async () => {
  await bot?.dispose();
});

const customIds = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");

describe("Discord conversations end to end (real discord.js, fake Discord, simulator, Redis)", () => {
  it("a mention starts a thread; the acknowledgement becomes progress, then the answer with buttons; Export posts the video", async () => {
    const { fake } = bot;
    const question = fake.mention(fake.general.id, "generate a video of a city timelapse at night");
    await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread on the message");
    const thread = fake.channels.get(question.id)!;
    expect(thread).toMatchObject({ type: 11, parentId: fake.general.id, ownerId: fake.bot.id });
    expect(thread.name).toBe("generate a video of a city timelapse at night");

    await fake.waitFor(() => bot.transcript(thread.id).includes("Music and title added"), 10_000, "answer");
    const posted = fake.botMessagesIn(thread.id);
    const ack = posted[0]!;
    const answer = posted.at(-1)!;
    const versions = ack.versions.map((version) => version.content);
    expect(versions[0]).toMatch(/^⏳/);
    expect(versions.some((content) => /Generating video/.test(content))).toBe(true);
    expect(latest(answer).content).toContain("Music and title added");
    expect(customIds(answer)).toEqual(
      expect.arrayContaining(["nemo:export", "nemo:timeline", "nemo:credits"]),
    );
    // Nothing the bot says lands in the channel itself.
    expect(fake.botMessagesIn(fake.general.id)).toEqual([]);

    const click = fake.click(answer, "nemo:export");
    await fake.waitFor(
      () => fake.botMessagesIn(thread.id).some((m) => m.uploads.length > 0),
      10_000,
      "video attachment",
    );
    expect(click.callbacks).toEqual([expect.objectContaining({ type: 6 })]);
    const video = fake.botMessagesIn(thread.id).find((m) => m.uploads.length > 0)!;
    expect(video.uploads).toEqual([
      {
        filename: expect.stringMatching(/^render_.*\.mp4$/),
        size: SAMPLE_MP4.length,
        sha256: createHash("sha256").update(SAMPLE_MP4).digest("hex"),
      },
    ]);
    expect(galleryUrls(latest(video).components)).toEqual([`attachment://${video.uploads[0]!.filename}`]);
    const shown = latest(video).content;
    expect(shown).toMatch(/▶️ http:\/\/127\.0\.0\.1:\d+\/files\/render_.*\.mp4 · \d+ KB/);
    // The claim link is private to the owner (Alice): her DM has it, the thread only the button.
    expect(shown).not.toMatch(/ct=clm_/);
    expect(customIds(video).some((id) => id.startsWith("nemo:project_link:"))).toBe(true);
    const dm = fake.dmWith(fake.alice);
    await fake.waitFor(() => bot.transcript(dm.id).includes("ct=clm_"), 10_000, "the owner's DM");
    expect(shown).not.toMatch(/nmv_|token/);
    expect(customIds(video)).toEqual(expect.arrayContaining(["nemo:export", "nemo:modal:edit"]));
    expect(bot.sentMessages()).toEqual(["generate a video of a city timelapse at night"]);
  });

  it("continues in the bot's thread without a mention, and ignores the bot's own messages", async () => {
    const { fake } = bot;
    const start = fake.mention(fake.general.id, "hello there");
    await fake.waitFor(() => bot.transcript(start.id).includes("You said"), 10_000, "first answer");
    fake.say(start.id, "what about a sunrise instead?");
    await fake.waitFor(
      () => bot.transcript(start.id).includes("sunrise instead"),
      10_000,
      "follow-up answer",
    );
    expect(
      bot.sentMessages().filter((m) => m === "hello there" || m === "what about a sunrise instead?"),
    ).toEqual(["hello there", "what about a sunrise instead?"]);
    // A message in somebody else's thread without a mention is not for the bot.
    expect(fake.threadsIn(fake.general.id).every((t) => t.ownerId === fake.bot.id)).toBe(true);
  });

  it("continues in a bot thread its cache does not know (fetched), as after a restart", async () => {
    const { fake } = bot;
    const root = fake.say(fake.general.id, "an old conversation");
    const thread = fake.createThread(fake.general.id, "old thread", root.id, false);
    fake.say(thread.id, "are you still there?");
    await fake.waitFor(() => bot.transcript(thread.id).includes("are you still there?"), 10_000, "answer");
    expect(fake.requests.some((r) => r.method === "GET" && r.path === `/channels/${thread.id}`)).toBe(true);
  });

  it("takes an attachment as an upload (streamed from the http file host) and runs the caption", async () => {
    const { fake } = bot;
    const message = fake.mention(fake.media.id, "use this as the intro", {
      files: [{ name: "clip.mp4", size: 65_536, contentType: "video/mp4" }],
    });
    await fake.waitFor(
      () =>
        bot.transcript(message.id).includes("Added clip.mp4") &&
        bot.transcript(message.id).includes("use this as the intro"),
      10_000,
      "upload and caption",
    );
    expect(fake.fileDownloads).toBe(1);
    expect(bot.sim.requests.some((r) => r.path.startsWith("/api/upload-video"))).toBe(true);
  });

  it("pings nobody: allowed_mentions { parse: [] } on every message the bot writes, @everyone in backend text included", async () => {
    const { fake } = bot;
    const start = fake.mention(
      fake.general.id,
      `hey @everyone and @here, <@&${fake.guild.id}> and <@${fake.bob.id}>`,
    );
    await fake.waitFor(() => bot.transcript(start.id).includes("You said"), 10_000, "echo");
    const writes = fake.messageWrites();
    const echoed = writes.filter((w) => JSON.stringify(w.body).includes("@everyone"));
    expect(echoed.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.auth).toBe("bot");
      expect((write.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    }
  });

  it("splits a 7,000-character answer within the V2 text limit a message, at sentence boundaries", async () => {
    const { fake } = bot;
    const sentences = Array.from(
      { length: 130 },
      (_, i) => `Sentence number ${i + 1} describes a calm blue ocean at dawn.`,
    );
    const long = sentences.join(" ");
    expect(long.length).toBeGreaterThan(7_000);
    const start = fake.mention(fake.general.id, "hi");
    await fake.waitFor(() => bot.transcript(start.id).includes("You said"), 10_000, "first answer");
    const before = fake.botMessagesIn(start.id).length;
    fake.say(start.id, long);
    const answer = () => fake.botMessagesIn(start.id).slice(before);
    await fake.waitFor(
      () => answer().some((m) => latest(m).content.includes("What would you like?")),
      10_000,
      "long answer",
    );
    // The acknowledgement was edited into the first part; the other parts were posted after it.
    const parts = answer().map((m) => latest(m).content);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4_000);
    for (const part of parts.slice(0, -1)) expect(part).toMatch(/\.$/);
    const joined = parts.join(" ");
    let at = -1;
    for (const sentence of sentences) {
      const next = joined.indexOf(sentence, at + 1);
      expect(next, sentence).toBeGreaterThan(at);
      at = next;
    }
    // Buttons only on the last part.
    expect(
      answer()
        .slice(0, -1)
        .every((m) => customIds(m).length === 0),
    ).toBe(true);
    expect(customIds(answer().at(-1)!)).toContain("nemo:export");
  });

  it("refuses a mention in a channel that is not allowed with a plain reply, and queues nothing", async () => {
    const { fake } = bot;
    const message = fake.mention(fake.offLimits.id, "generate a video of forbidden things");
    await fake.waitFor(() => fake.botMessagesIn(fake.offLimits.id).length === 1, 5_000, "refusal");
    const refusal = fake.botMessagesIn(fake.offLimits.id)[0]!;
    expect(refusal.replyTo).toBe(message.id);
    expect(latest(refusal).content).toMatch(/not enabled here/);
    expect(latest(refusal).allowedMentions).toMatchObject({ parse: [] });
    expect(fake.threadsIn(fake.offLimits.id)).toEqual([]);
    expect(bot.sentMessages().some((m) => m.includes("forbidden"))).toBe(false);
    expect(bot.logs.find("discord-place-refused").length).toBeGreaterThan(0);
  });

  it("a direct message is a conversation of its own", async () => {
    const { fake } = bot;
    const dm = fake.dmWith(fake.bob);
    fake.say(dm.id, "hello from a DM", { author: fake.bob });
    await fake.waitFor(
      () => bot.transcript(dm.id).includes('You said: "hello from a DM"'),
      10_000,
      "DM answer",
    );
    expect(fake.threadsIn(dm.id)).toEqual([]);
  });
});
