import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { text } from "../src/core/conversation/texts.js";
import { interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { type FakeUser, latest, type StoredMessage } from "./fakes/discord/model.js";
import { snowflake } from "./fakes/discord/snowflake.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { settledTurn } from "./helpers/settled-turn.js";

/*
 * Private mode through the real discord.js against the fake Discord and the simulator: Bob has it on,
 * Alice has not. Whatever the bot posts where others read (the channel, the thread) is scanned, every
 * version of every message: only the short "working privately" note may be there.
 */

const redis = useRedisServer();
let bot: DiscordHarness;
const NOTE = text("en", "private_note");

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    // Long enough for a second message to wait behind a generation, and a second export behind one.
    sim: { generationMs: 400, renderSteps: 20 },
    adapter: (fake) => ({ allowedChannels: [fake.general.id, fake.media.id] }),
  });
  await bot.runtime.services.settings.changeMember("discord", bot.fake.bob.id, { privateResults: true });
});
afterAll(async () => {
  await bot?.dispose();
});

/** Every version of every bot message in `channelId`, as everyone there saw it. */
function publicVersions(channelId: string): { content: string; buttons: string[]; uploads: number }[] {
  return bot.fake.botMessagesIn(channelId).flatMap((message: StoredMessage) =>
    message.versions.map((version) => ({
      content: version.content,
      buttons: interactiveComponents(version.components).map((control) => control.custom_id ?? ""),
      uploads: message.uploads.length,
    })),
  );
}

/** The public scan: nothing but the note (no progress, answer, video, link or button), or `also`. */
function expectOnlyNotes(channelId: string, also: string[] = []): void {
  for (const seen of publicVersions(channelId)) {
    expect([NOTE, ...also]).toContain(seen.content);
    expect(seen.buttons).toEqual([]);
    expect(seen.uploads).toBe(0);
  }
}

const customIdsOf = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");

function dmTranscript(user: FakeUser): string {
  return bot.transcript(bot.fake.dmWith(user).id);
}

function settled(message: string): Promise<void> {
  return settledTurn(bot.runtime.services.queues.turn, message, 10_000);
}

describe("private mode on Discord (real discord.js, fake Discord, simulator, Redis)", () => {
  let thread = "";

  it("a member in private mode asks in a public channel: progress and answer come to their DM, the thread shows only the note", async () => {
    const { fake } = bot;
    const question = fake.mention(fake.general.id, "generate a video of a lighthouse in a storm", {
      author: fake.bob,
    });
    await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread on the message");
    thread = question.id;
    await fake.waitFor(() => dmTranscript(fake.bob).includes("Music and title added"), 10_000, "DM answer");

    const dm = fake.botMessagesIn(fake.dmWith(fake.bob).id);
    expect(latest(dm[0]!).content).toBe(
      text("en", "private_dm_opener_prompt", { prompt: "generate a video of a lighthouse in a storm" }),
    );
    // The acknowledgement became the progress message, edited in the DM, then the answer.
    const progress = dm[1]!.versions.map((version) => version.content);
    expect(progress[0]).toMatch(/^⏳/);
    expect(progress.some((content) => /Generating video/.test(content))).toBe(true);
    // The DM copy carries no Export, Timeline…: they would act on the DM, not on the thread's project.
    for (const message of dm) expect(customIdsOf(message)).toEqual([]);

    expect(publicVersions(thread).map((seen) => seen.content)).toEqual([NOTE]);
    expectOnlyNotes(thread);
    expect(fake.botMessagesIn(fake.general.id)).toEqual([]);
    expect(bot.sentMessages()).toContain("generate a video of a lighthouse in a storm");
  });

  it("their export's video and its links go to the DM too", async () => {
    const { fake } = bot;
    fake.say(thread, "export", { author: fake.bob });
    await fake.waitFor(() => dmTranscript(fake.bob).includes("🎞️"), 10_000, "the export under way");
    // Alice asks too: she is told the running export's video goes to someone else (no result for her).
    fake.say(thread, `<@${fake.bot.id}> export`, { author: fake.alice });
    const joined = text("en", "private_export_joined");
    await fake.waitFor(() => bot.transcript(thread).includes(joined), 10_000, "Alice told");
    await fake.waitFor(
      () => fake.botMessagesIn(fake.dmWith(fake.bob).id).some((message) => message.uploads.length > 0),
      10_000,
      "the video in the DM",
    );
    // "Open in NemoVideo": the claim link goes privately to the thread's owner (Bob, who started it).
    await fake.waitFor(() => dmTranscript(fake.bob).includes("ct=clm_"), 10_000, "the claim link");
    expect(dmTranscript(fake.bob)).toMatch(/▶️ http:\/\/127\.0\.0\.1:\d+\/files\/render_.*\.mp4/);
    // Its "Get my NemoVideo link" button works from the DM, for Bob: a fresh link, privately.
    const video = fake.botMessagesIn(fake.dmWith(fake.bob).id).find((message) => message.uploads.length > 0)!;
    const link = customIdsOf(video).find((id) => id.startsWith("nemo:project_link:pv:"))!;
    expect(link).toBeDefined();
    const click = fake.click(video, link, { user: fake.bob });
    await fake.waitFor(
      () => click.followUps.some((body) => JSON.stringify(body).includes("ct=clm_")),
      10_000,
      "a fresh link for the click",
    );
    expect(publicVersions(thread).map((seen) => seen.content)).toEqual([NOTE, NOTE, joined]);
  });

  it("a /video slash command of a private member: the thread and the command's reply show no content", async () => {
    const { fake } = bot;
    const before = fake.threadsIn(fake.general.id).length;
    const answers = () => dmTranscript(fake.bob).split("Music and title added").length;
    const answered = answers();
    const video = fake.slash("video", {
      channelId: fake.general.id,
      user: fake.bob,
      strings: { prompt: "generate a video of a paper boat" },
    });
    await fake.waitFor(() => fake.threadsIn(fake.general.id).length > before, 5_000, "the thread");
    const opened = fake.threadsIn(fake.general.id).at(-1)!.id;
    await fake.waitFor(() => answers() > answered, 10_000, "DM answer");
    const publicText = [
      ...publicVersions(opened).map((seen) => seen.content),
      ...video.edits.map((edit) => JSON.stringify(edit.body)),
      ...video.followUps.map((body) => JSON.stringify(body)),
    ].join("\n");
    expect(publicText).toContain(NOTE);
    expect(publicText).not.toMatch(/⏳|Generating|Music and title|You said|http/);
    expect(publicVersions(opened).every((seen) => seen.buttons.length === 0)).toBe(true);
  });

  it("a Cancel in the DM copy acts on the thread's waiting message, for its member only", async () => {
    const { fake } = bot;
    const answers = () => dmTranscript(fake.bob).split("Music and title added").length;
    const answered = answers();
    fake.say(thread, "generate a video of a long storm", { author: fake.bob });
    fake.say(thread, "and then a rainbow", { author: fake.bob });
    const dmId = fake.dmWith(fake.bob).id;
    const queued = () =>
      fake
        .botMessagesIn(dmId)
        .find((message) => customIdsOf(message).some((id) => id.startsWith("nemo:cancel:pv:")));
    await fake.waitFor(() => queued() !== undefined, 10_000, "the queued note with Cancel, in the DM");
    const note = queued()!;
    const cancel = customIdsOf(note).find((id) => id.startsWith("nemo:cancel:pv:"))!;
    // Alice replays the id: it names nothing for her.
    fake.click(note, cancel, { user: fake.alice });
    fake.click(note, cancel, { user: fake.bob });
    const cancelled = text("en", "cancel_done");
    await fake.waitFor(() => latest(note).content === cancelled, 10_000, "the DM note cancelled");
    await fake.waitFor(
      () => bot.sentMessages().includes("generate a video of a long storm"),
      10_000,
      "first",
    );
    // The first turn done (its answer in the DM), the line moves on: a second still queued would run now.
    await fake.waitFor(() => answers() > answered, 10_000, "the first's answer, in the DM");
    await settled("and then a rainbow");
    expect(bot.sentMessages()).not.toContain("and then a rainbow");
    expect(bot.logs.find("private-click-refused")).toHaveLength(1);
    expectOnlyNotes(thread, [text("en", "private_export_joined")]);
  });

  it("an upload's answer goes to the DM too", async () => {
    const { fake } = bot;
    const message = fake.mention(fake.media.id, "use this as the intro", {
      author: fake.bob,
      files: [{ name: "clip.mp4", size: 65_536, contentType: "video/mp4" }],
    });
    await fake.waitFor(
      () =>
        dmTranscript(fake.bob).includes("Added clip.mp4") && dmTranscript(fake.bob).includes("as the intro"),
      10_000,
      "the upload's answer and the caption's, in the DM",
    );
    expectOnlyNotes(message.id);
    expect(publicVersions(message.id).length).toBeGreaterThan(0);
  });

  it("a member without private mode still gets public answers in the same thread", async () => {
    const { fake } = bot;
    fake.say(thread, `<@${fake.bot.id}> what about a calm sea instead?`, { author: fake.alice });
    await fake.waitFor(() => bot.transcript(thread).includes("calm sea instead"), 10_000, "public answer");
    // Its acknowledgement became its answer, in the thread.
    expect(publicVersions(thread).some((seen) => seen.content.startsWith("⏳"))).toBe(true);
    expect(dmTranscript(fake.alice)).not.toContain("calm sea");
  });

  it("DMs closed: the thread is told without content, and nothing is sent to the backend", async () => {
    const { fake } = bot;
    const carol: FakeUser = { id: snowflake(), username: "carol" };
    await bot.runtime.services.settings.changeMember("discord", carol.id, { privateResults: true });
    const question = fake.mention(fake.media.id, "generate a secret birthday video", { author: carol });
    const unreachable = text("en", "private_dm_unreachable");
    await fake.waitFor(() => bot.transcript(question.id).includes(unreachable), 10_000, "the refusal");
    expect(publicVersions(question.id).map((seen) => seen.content)).toEqual([`⚠️ ${unreachable}`]);
    expect(bot.sentMessages()).not.toContain("generate a secret birthday video");
  });

  it("a place that forbids private results keeps them public", async () => {
    const { fake } = bot;
    const place = { platform: "discord" as const, workspace: fake.guild.id, channel: "", thread: "" };
    await bot.runtime.services.settings.changePlace(place, { privateForbidden: true });
    const question = fake.mention(fake.media.id, "generate a video of a windmill", { author: fake.bob });
    await fake.waitFor(() => bot.transcript(question.id).includes("Music and title added"), 10_000, "answer");
    expect(bot.transcript(question.id)).not.toContain(NOTE);
    expect(dmTranscript(fake.bob)).not.toContain("windmill");
  });
});
