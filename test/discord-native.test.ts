import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordMessenger } from "../src/adapters/discord/index.js";
import { silentLogger } from "../src/core/logger.js";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { galleryUrls, interactiveComponents, shownText } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { latest, type StoredMessage } from "./fakes/discord/model.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url);
});
afterAll(async () => {
  await bot?.dispose();
});

/** Starts a thread with a mention and resolves to the thread id and the bot's answer in it. */
async function answeredThread(
  h: DiscordHarness,
  prompt: string,
): Promise<{ thread: string; answer: StoredMessage }> {
  const question = h.fake.mention(h.fake.general.id, prompt);
  await h.fake.waitFor(() => h.transcript(question.id).includes("Music and title added"), 10_000, "answer");
  const answer = h.fake
    .botMessagesIn(question.id)
    .find((m) => interactiveComponents(latest(m).components).some((c) => c.custom_id === "nemo:modal:edit"))!;
  return { thread: question.id, answer };
}

/** The bot's message writes in a thread as the fake recorded them, one line each. */
function sequence(h: DiscordHarness, thread: string): string[] {
  return h.fake
    .messageWrites()
    .filter((r) => r.path.startsWith(`/channels/${thread}/`))
    .map((r) => {
      const body = (r.body ?? {}) as {
        flags?: number;
        components?: unknown[];
        attachments?: { filename: string }[];
      };
      const id = r.path.split("/")[4];
      const text = shownText("", body.components ?? [])
        .replace(/\s+/g, " ")
        .slice(0, 70);
      const media = galleryUrls(body.components ?? []).map((url) => url.replace(/127\.0\.0\.1:\d+/, "sim"));
      const controls = interactiveComponents(body.components ?? [])
        .map((c) => c.custom_id)
        .join(",");
      return [
        `${r.method} ${r.status}${id ? ` msg…${id.slice(-4)}` : ""}`,
        body.flags === 1 << 15 ? "V2" : "legacy",
        body.attachments?.length ? `multipart(${body.attachments.map((a) => a.filename).join()})` : "",
        JSON.stringify(text),
        media.length ? `media=${media.join()}` : "",
        controls ? `buttons=${controls}` : "",
      ]
        .filter(Boolean)
        .join(" ");
    });
}

describe("Discord native experience (real discord.js, fake Discord, simulator)", () => {
  it("one generation and export: V2 messages, the video attached (bytes equal the backend's MP4)", async () => {
    const { fake } = bot;
    const { thread, answer } = await answeredThread(bot, "generate a video of a lighthouse in a storm");
    fake.click(answer, "nemo:export");
    await fake.waitFor(() => fake.botMessagesIn(thread).some((m) => m.uploads.length > 0), 10_000, "video");
    const video = fake.botMessagesIn(thread).find((m) => m.uploads.length > 0)!;
    expect(video.uploads[0]!.sha256).toBe(createHash("sha256").update(SAMPLE_MP4).digest("hex"));
    expect(galleryUrls(latest(video).components)).toEqual([`attachment://${video.uploads[0]!.filename}`]);
    // Every write was Components V2 and accepted by the validating fake.
    const writes = fake.messageWrites().filter((r) => r.path.startsWith(`/channels/${thread}/`));
    expect(writes.every((r) => r.status === 200 && (r.body as { flags?: number }).flags === 1 << 15)).toBe(
      true,
    );
    console.log(`discord message sequence (generation + export):\n  ${sequence(bot, thread).join("\n  ")}`);
  });

  it("the validating fake refuses what Discord refuses: content with V2, too many components, 6 buttons in a row", async () => {
    const { fake } = bot;
    const post = (body: unknown) =>
      fetch(`${fake.apiUrl}/v10/channels/${fake.general.id}/messages`, {
        method: "POST",
        headers: { authorization: `Bot ${fake.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const text = (content: string) => ({ type: 10, content });
    const button = (i: number) => ({ type: 2, style: 2, label: `b${i}`, custom_id: `x${i}` });
    const refused = [
      { flags: 1 << 15, content: "hi", components: [text("hi")] },
      { flags: 1 << 15, components: Array.from({ length: 41 }, (_, i) => text(`t${i}`)) },
      {
        flags: 1 << 15,
        components: [{ type: 1, components: Array.from({ length: 6 }, (_, i) => button(i)) }],
      },
      { flags: 1 << 15, components: [text("x".repeat(4001))] },
      { flags: 1 << 15, components: [{ type: 12, items: [{ media: { url: "attachment://missing.mp4" } }] }] },
    ];
    for (const body of refused) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 50035, message: "Invalid Form Body" });
    }
    expect((await post({ flags: 1 << 15, components: [text("fine")] })).status).toBe(200);
  });

  it("Edit opens a modal; its submission becomes exactly one turn in the thread", async () => {
    const { fake } = bot;
    const { thread, answer } = await answeredThread(bot, "generate a video of a quiet forest");
    const click = fake.click(answer, "nemo:modal:edit");
    await fake.waitFor(() => click.callbacks.length > 0, 5_000, "modal");
    expect(click.callbacks[0]).toMatchObject({
      type: 9,
      data: { custom_id: "nemo:edit", title: "Edit the video" },
    });
    const submit = fake.submitModal(answer, "nemo:edit", { instruction: "make the sky orange" });
    const before = fake.botMessagesIn(thread).length;
    await fake.waitFor(() => bot.sentMessages().includes("make the sky orange"), 10_000, "edit turn sent");
    await fake.waitFor(() => fake.botMessagesIn(thread).length > before, 10_000, "edit turn answered");
    expect(submit.callbacks).toEqual([expect.objectContaining({ type: 6 })]);
    expect(bot.sentMessages().filter((m) => m === "make the sky orange")).toHaveLength(1);
  });

  it("Add media from URL hands an https URL to the backend's URL upload, never with the bot token; other schemes are refused", async () => {
    const { fake, sim } = bot;
    const { thread, answer } = await answeredThread(bot, "generate a video of a city at dusk");
    const click = fake.click(answer, "nemo:modal:media");
    await fake.waitFor(() => click.callbacks.length > 0, 5_000, "modal");
    expect(click.callbacks[0]).toMatchObject({ type: 9, data: { custom_id: "nemo:media" } });

    const refused = fake.submitModal(answer, "nemo:media", { url: "file:///etc/passwd" });
    await fake.waitFor(() => refused.callbacks.length > 0, 5_000, "refusal");
    expect(refused.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });

    const uploadsBefore = sim.requests.filter((r) => /upload-video/.test(r.path)).length;
    const before = fake.botMessagesIn(thread).length;
    fake.submitModal(answer, "nemo:media", { url: "https://media.example/clips/harbour.mp4" });
    await fake.waitFor(
      () => sim.requests.filter((r) => /upload-video/.test(r.path)).length > uploadsBefore,
      10_000,
      "URL upload",
    );
    await fake.waitFor(() => fake.botMessagesIn(thread).length > before, 10_000, "upload note");
    expect(latest(fake.botMessagesIn(thread).at(-1)!).content).toContain("harbour.mp4");
    const uploads = sim.requests.filter((r) => /upload-video/.test(r.path)).slice(uploadsBefore);
    expect(uploads).toHaveLength(1);
    expect(String(uploads[0]!.headers["content-type"])).toMatch(/json/);
    expect(JSON.stringify(uploads[0]!.headers)).not.toContain(fake.token);
  });

  it("more than five choices come as one select menu; a choice acts like its button", async () => {
    const { fake } = bot;
    const { thread } = await answeredThread(bot, "generate a video of a snowy village");
    const ref = { platform: "discord" as const, workspace: fake.guild.id, channel: fake.general.id, thread };
    const messenger = createDiscordMessenger({
      token: fake.token,
      apiUrl: fake.apiUrl,
      logger: silentLogger(),
    });
    const id = await messenger.post(ref, {
      text: "What next?",
      actions: [
        { kind: "export", label: "Export" },
        { kind: "timeline", label: "Timeline" },
        { kind: "credits", label: "Credits" },
        { kind: "new", label: "New project" },
      ],
    });
    const menu = fake.messages.get(id)!;
    const [select] = interactiveComponents(latest(menu).components);
    expect(select).toMatchObject({ type: 3, custom_id: "nemo:choose" });
    const before = fake.botMessagesIn(thread).length;
    const choice = fake.choose(menu, "nemo:choose", ["nemo:timeline"]);
    await fake.waitFor(() => bot.transcript(thread).includes("Timeline ("), 10_000, "timeline");
    expect(choice.callbacks).toEqual([expect.objectContaining({ type: 6 })]);
    expect(fake.botMessagesIn(thread).length).toBeGreaterThan(before);
  });

  it("a user-installed /video in a private channel (context 2) continues in the user's DM with the bot", async () => {
    const { fake } = bot;
    const friends = fake.privateChannel(fake.alice, fake.bob);
    const interaction = fake.userInstallSlash("video", {
      channelId: friends.id,
      strings: { prompt: "generate a video of a paper boat on a river" },
    });
    const dm = fake.dmWith(fake.alice);
    await fake.waitFor(() => bot.transcript(dm.id).includes("Music and title added"), 10_000, "answer in DM");
    expect(interaction.callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    await fake.waitFor(() => interaction.edits.length > 0, 5_000, "pointer");
    expect(interaction.edits[0]!.body.content).toMatch(/continue in our direct messages/);
    expect(fake.messagesIn(friends.id)).toEqual([]);
    expect(bot.sentMessages()).toContain("generate a video of a paper boat on a river");
  });
});

describe("Discord export larger than the place's limit", () => {
  let small: DiscordHarness;
  beforeAll(async () => {
    small = await startDiscordHarness(redis.url, { fake: { attachmentSizeLimit: 1_000 } });
  });
  afterAll(async () => {
    await small?.dispose();
  });

  it("posts the direct .mp4 link in a media gallery with the size", async () => {
    const { fake } = small;
    const { thread, answer } = await answeredThread(small, "generate a video of a mountain sunrise");
    fake.click(answer, "nemo:export");
    await fake.waitFor(() => /· \d+ KB/.test(small.transcript(thread)), 10_000, "video link");
    const video = fake.botMessagesIn(thread).find((m) => galleryUrls(latest(m).components).length > 0)!;
    expect(video.uploads).toEqual([]);
    expect(galleryUrls(latest(video).components)[0]).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/files\/render_.*\.mp4$/,
    );
    expect(latest(video).content).toContain(`· ${Math.round(SAMPLE_MP4.length / 1024)} KB`);
  });
});
