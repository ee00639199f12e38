import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import { type FakeInteraction, latest, type StoredMessage } from "./fakes/discord/model.js";
import { dumpKeys } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const EPHEMERAL = 64;

const customIds = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");
/** An interaction's follow-ups as text, and whether every one of them is ephemeral. */
const followUps = (interaction: FakeInteraction) => interaction.followUps.flatMap(textsOf).join("\n");
const allEphemeral = (interaction: FakeInteraction) =>
  interaction.followUps.every((body) => (Number(body.flags) & EPHEMERAL) === EPHEMERAL);
const claimTokenIn = (text: string) => /ct=(clm_[\w-]+)/.exec(text.replace(/\\(.)/g, "$1"))?.[1];

/** A thread started by Alice, answered, exported: the thread and the video's message. */
async function exportedThread(bot: DiscordHarness, prompt: string) {
  const { fake } = bot;
  const question = fake.mention(fake.general.id, prompt);
  await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread");
  const thread = fake.channels.get(question.id)!;
  await fake.waitFor(() => bot.transcript(thread.id).includes("Music and title added"), 10_000, "answer");
  const answer = fake.botMessagesIn(thread.id).find((m) => customIds(m).includes("nemo:export"))!;
  fake.click(answer, "nemo:export");
  const video = () => fake.botMessagesIn(thread.id).find((m) => m.uploads.length > 0);
  await fake.waitFor(() => video() !== undefined, 10_000, "video");
  return { thread, video: video()! };
}

describe("Discord: claim links are private by default (CLAIM_LINKS=private)", () => {
  let bot: DiscordHarness;
  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url);
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("the owner gets the link in a DM and from the button; a member who clicks is told why, privately, with no link", async () => {
    const { fake, sim } = bot;
    const { thread, video } = await exportedThread(bot, "generate a video of a harbour at dawn");
    expect(bot.transcript(thread.id)).not.toContain("ct=clm_");
    const button = customIds(video).find((id) => id.startsWith("nemo:project_link:"));
    expect(button).toBeDefined();

    // Alice started the thread: the finished export's link reached her DM.
    const dm = fake.dmWith(fake.alice);
    await fake.waitFor(() => claimTokenIn(bot.transcript(dm.id)) !== undefined, 10_000, "the owner's DM");
    const inDm = claimTokenIn(bot.transcript(dm.id))!;
    expect(sim.claim(inDm)?.sessionId).toBe(sim.sessions().at(-1));

    // Bob clicks: a private explanation, no link, nothing in the thread, nothing in his DM.
    const posted = fake.botMessagesIn(thread.id).length;
    const bobs = fake.click(video, button!, { user: fake.bob });
    await fake.waitFor(() => bobs.followUps.length > 0, 10_000, "Bob's answer");
    expect(followUps(bobs)).toContain("Only the member who started this thread");
    expect(followUps(bobs)).not.toContain("ct=");
    expect(allEphemeral(bobs)).toBe(true);

    // Alice clicks: a fresh link (a new claim token), ephemeral.
    const alices = fake.click(video, button!);
    await fake.waitFor(() => claimTokenIn(followUps(alices)) !== undefined, 10_000, "Alice's link");
    expect(allEphemeral(alices)).toBe(true);
    const fresh = claimTokenIn(followUps(alices))!;
    expect(fresh).not.toBe(inDm);
    expect(sim.claim(fresh)?.sessionId).toBe(sim.claim(inDm)?.sessionId);
    expect(fake.botMessagesIn(thread.id)).toHaveLength(posted);
    expect(bot.transcript(thread.id)).not.toContain("ct=clm_");
    expect(bot.transcript(fake.dmWith(fake.bob).id)).toBe("");
  });

  it("/history answers privately (ephemeral) with fresh links, never in the thread; history keeps no claim token", async () => {
    const { fake } = bot;
    const { thread } = await exportedThread(bot, "generate a video of a quiet library");
    const before = bot.transcript(thread.id);
    const history = fake.slash("history", { channelId: thread.id });
    await fake.waitFor(() => followUps(history).includes("Your last exports"), 10_000, "history");
    expect(allEphemeral(history)).toBe(true);
    expect(followUps(history).replace(/\\(.)/g, "$1")).toMatch(/\[Reopen render_[\w.]+\]\(https:\/\/web/);
    expect(claimTokenIn(followUps(history))).toBeDefined();
    expect(bot.transcript(thread.id)).toBe(before);

    // Bob's /history in the channel opens no thread and shows only him his (empty) history.
    const threads = fake.threadsIn(fake.general.id).length;
    const bobs = fake.slash("history", { channelId: fake.general.id, user: fake.bob });
    await fake.waitFor(() => followUps(bobs).includes("haven't exported"), 10_000, "Bob's history");
    expect(allEphemeral(bobs)).toBe(true);
    expect(fake.threadsIn(fake.general.id)).toHaveLength(threads);

    // No key of the bot holds a claim token: the history and the export references keep ids only.
    const keys = await dumpKeys(bot.runtime.services.redis, `${bot.runtime.services.keys.bull}:*`);
    expect(keys.some(({ key }) => key.includes(":history:"))).toBe(true);
    expect(keys.some(({ key }) => key.includes(":exported:"))).toBe(true);
    expect(keys.filter(({ value }) => value.includes("clm_")).map(({ key }) => key)).toEqual([]);
  });
});

describe("Discord: CLAIM_LINKS=public", () => {
  let bot: DiscordHarness;
  beforeAll(async () => {
    bot = await startDiscordHarness(redis.url, { env: { CLAIM_LINKS: "public" } });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("posts “Open in NemoVideo” with the video for everyone, and no button", async () => {
    const { sim } = bot;
    const { thread, video } = await exportedThread(bot, "generate a video of a windmill");
    const shown = latest(video).content;
    expect(shown).toMatch(/\[Open in NemoVideo\]\(https:\/\/web\.example\/workspace\/claim\?ct=clm_/);
    expect(sim.claim(claimTokenIn(shown)!)?.sessionId).toBe(sim.sessions().at(-1));
    expect(customIds(video).some((id) => id.startsWith("nemo:project_link"))).toBe(false);
    expect(bot.transcript(thread.id)).toContain("ct=clm_");
  });
});
