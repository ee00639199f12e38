import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactiveComponents, shownText } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { type FakeInteraction, type FakeUser, latest, type StoredMessage } from "./fakes/discord/model.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    // Long enough for the generation's progress line to be written before the video is ready.
    sim: { generationMs: 300 },
    adapter: (fake) => ({ allowedChannels: [fake.general.id] }),
  });
});
afterAll(async () => {
  await bot?.dispose();
});

type Body = { flags?: number; components?: unknown[]; content?: string };

/** The n-th private answer (ephemeral follow-up) of an interaction, once it arrived. */
async function privateAnswer(interaction: FakeInteraction, n = 0): Promise<Body> {
  await bot.fake.waitFor(() => interaction.followUps.length > n, 10_000, `private answer ${n}`);
  return interaction.followUps[n] as Body;
}

const textOf = (body: Body): string => shownText(body.content ?? "", body.components ?? []);
const menusOf = (body: Body) => interactiveComponents(body.components ?? []);

/** The ephemeral message as Discord hands it back with a choice made in it. */
function asMessage(interaction: FakeInteraction, body: Body): StoredMessage {
  const { fake } = bot;
  return {
    id: interaction.originalMessageId ?? interaction.id,
    channelId: interaction.channelId,
    guildId: fake.guild.id,
    author: fake.bot,
    attachments: [],
    mentions: [],
    flags: body.flags ?? 0,
    uploads: [],
    versions: [{ content: "", embeds: [], components: body.components ?? [], allowedMentions: undefined }],
    deleted: false,
    createdAt: Date.now(),
  };
}

/** `user` picks `value` in the menu offering it, in the private answer `body`; resolves to the answer. */
async function choose(opened: FakeInteraction, body: Body, value: string, user: FakeUser): Promise<Body> {
  const menu = menusOf(body).find((m) => m.options?.some((option) => option.value === value));
  expect(menu, `a menu offering ${value}`).toBeDefined();
  const click = bot.fake.choose(asMessage(opened, body), menu!.custom_id!, [value], { user });
  return privateAnswer(click);
}

describe("/settings on Discord (real discord.js, fake Discord, simulator, Redis)", () => {
  it("a member picks 9:16 in their menu; others cannot use it; admins set the place's limits; the generation gets them", async () => {
    const { fake } = bot;
    const member = fake.carol;
    const opened = fake.slash("settings", { channelId: fake.general.id, user: member });
    const first = await privateAnswer(opened);
    expect(first.flags! & 64).toBe(64);
    expect(textOf(first)).toContain("Your settings here:");
    // Four menus of her own, bound to her; no place menu for a member.
    const menus = menusOf(first);
    expect(menus.map((m) => m.custom_id)).toEqual([0, 1, 2, 3].map((n) => `nemo:set:${member.id}:${n}`));

    const ratio = await choose(opened, first, "ratio 9:16", member);
    expect(textOf(ratio)).toContain("✅ Saved.");
    expect(textOf(ratio)).toContain("Aspect ratio: 9:16");
    expect(textOf(await choose(opened, first, "length 30", member))).toContain("Target length: ~30 s");

    // Someone else's choice in her menu is refused, and changes nothing.
    const foreign = fake.choose(asMessage(opened, first), menus[0]!.custom_id!, ["ratio 1:1"], {
      user: fake.bob,
    });
    await fake.waitFor(() => foreign.callbacks.length > 0, 5_000, "refusal");
    expect(JSON.stringify(foreign.callbacks[0]!.data)).toContain("This menu belongs to someone else");
    // A member's forged place change is refused by the permission table.
    const forged = await choose(
      opened,
      { components: [menuOffering(member.id, "place max-length 5")] },
      "place max-length 5",
      member,
    );
    expect(textOf(forged)).toContain("Only this place's admins can change its defaults and limits.");

    // An admin (Manage Server) gets the place's menu, and sets its maximum length.
    const admin = fake.slash("settings", { channelId: fake.general.id, user: fake.alice });
    const adminMenus = await privateAnswer(admin);
    expect(menusOf(adminMenus)).toHaveLength(5);
    const placed = await choose(admin, adminMenus, "place max-length 15", fake.alice);
    expect(textOf(placed)).toContain("Longest length members may pick: ~15 s");

    const again = await privateAnswer(fake.slash("settings", { channelId: fake.general.id, user: member }));
    expect(textOf(again)).toContain("Your length (30 s) is above this place's maximum: 15 s applies here.");
    expect(textOf(again)).toContain("Aspect ratio: 9:16");

    // Her next generation: the settings line reaches the backend; the progress line shows them.
    const question = fake.mention(fake.general.id, "generate a video of a lighthouse", { author: member });
    await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread");
    const thread = question.id;
    await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 10_000, "answer");
    const versions = fake.botMessagesIn(thread).flatMap((m) => m.versions.map((v) => v.content));
    expect(versions).toContainEqual(
      expect.stringMatching(/^🎬 Generating video · 9:16 · ~15 s — usually 2–5 min/),
    );
    expect(bot.transcript(thread)).toContain("Your 9:16 video (1080×1920) is ready!");
    const sent = bot.sim.requests.filter((r) => r.path === "/run_sse");
    expect(sent.map((r) => r.message)).toEqual([
      "[Video settings: aspect ratio 9:16, length about 15 seconds]\ngenerate a video of a lighthouse",
    ]);
    const state = bot.sim.state(sent[0]!.sessionId!) as { canvas_config: Record<string, unknown> };
    expect(state.canvas_config).toEqual({ width: 1080, height: 1920, ratio: "9:16" });

    // Chinese: her settings answer and the bot's own words in the thread are in Chinese from then on.
    const zh = await choose(opened, first, "language zh-CN", member);
    expect(textOf(zh)).toContain("✅ 已保存。");
    fake.say(thread, "status", { author: member });
    await fake.waitFor(() => bot.transcript(thread).includes("当前项目"), 10_000, "Chinese status");
    expect(latest(fake.botMessagesIn(thread).at(-1)!).content).toContain("当前项目");
  });
});

/** A settings menu as a member could forge it (her own id, any value). */
function menuOffering(owner: string, value: string): unknown {
  return {
    type: 1,
    components: [{ type: 3, custom_id: `nemo:set:${owner}:0`, options: [{ label: value, value }] }],
  };
}
