import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slashCommandBody, viewSubmissionBody } from "./fakes/slack/payloads.js";
import { SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: SlackBot;

const MEMBER = "U7";
const ADMIN = "U8";
const CHANNEL = "C700";

beforeAll(async () => {
  // Long enough for the generation's progress line to be written before the video is ready.
  bot = await SlackBot.start({ redisUrl: redis.url, sim: { generationMs: 300 } });
  bot.fake.users.set(MEMBER, { name: "carol", locale: "en-US" });
  bot.fake.users.set(ADMIN, { name: "dan", locale: "en-US", isAdmin: true });
});
afterAll(async () => {
  await bot?.dispose();
});

let triggers = 0;
/** `/nemo <text>` by `user`; resolves to the trigger (its `response_url` is named after it). */
async function command(user: string, text: string): Promise<string> {
  const trigger = `t-settings-${++triggers}`;
  const body = slashCommandBody({
    team: TEAM,
    channel: CHANNEL,
    user,
    text,
    triggerId: trigger,
    responseUrl: bot.responseUrl(trigger),
  });
  expect(await bot.sendForm(body)).toEqual({ status: 200, body: "" });
  return trigger;
}

/** What was answered through the command's `response_url`, once it was. */
async function responseTo(trigger: string): Promise<string> {
  const answered = () => bot.fake.responses.filter((r) => r.path === `/respond/${trigger}`);
  await bot.fake.waitFor(() => answered().length > 0, 10_000, `response to ${trigger}`);
  return answered()
    .map((r) => JSON.stringify(r.body))
    .join("\n");
}

/** Ephemeral notes (`chat.postEphemeral`) to `user` so far. */
const ephemeralsTo = (user: string): string[] =>
  bot.fake
    .callsOf("chat.postEphemeral")
    .filter((call) => call.params.user === user)
    .map((call) => `${String(call.params.text)} ${JSON.stringify(call.params.blocks ?? "")}`);

/** Opens the form as `user` and submits `choices` (block id → option value); resolves to the answer. */
async function submitForm(user: string, choices: Record<string, string>): Promise<string> {
  const before = ephemeralsTo(user).length;
  const opened = bot.fake.callsOf("views.open").length;
  const trigger = await command(user, "settings");
  await bot.fake.waitFor(() => bot.fake.callsOf("views.open").length > opened, 5_000, "views.open");
  const call = bot.fake.callsOf("views.open").at(-1)!.params;
  expect(call.trigger_id).toBe(trigger);
  const view = (typeof call.view === "string" ? JSON.parse(call.view) : call.view) as {
    callback_id: string;
    private_metadata: string;
    blocks: { block_id?: string; element?: { type: string; options: { value: string }[] } }[];
  };
  expect(view.callback_id).toBe("nemo_settings");
  for (const [block, value] of Object.entries(choices)) {
    const element = view.blocks.find((b) => b.block_id === block)?.element;
    expect(element?.type, block).toBe("static_select");
    expect(element?.options.map((option) => option.value)).toContain(value);
  }
  const selects = Object.fromEntries(
    Object.entries(choices).map(([block, value]) => [block, { choice: value }]),
  );
  const submitted = await bot.sendForm(
    viewSubmissionBody({ team: TEAM, user, viewId: `V${trigger}`, view, values: {}, selects }),
  );
  expect(submitted.status).toBe(200);
  await bot.fake.waitFor(() => ephemeralsTo(user).length > before, 10_000, "settings answer");
  return ephemeralsTo(user).slice(before).join("\n");
}

describe("/nemo settings on Slack (real Bolt, fake Web API, simulator, Redis)", () => {
  it("a member saves 9:16 in the form; a member cannot change the place's, an admin can; the generation gets them", async () => {
    const saved = await submitForm(MEMBER, { ratio: "9:16", length: "30" });
    expect(saved).toContain("Saved.");
    expect(saved).toContain("Aspect ratio: 9:16");
    expect(bot.fake.callsOf("chat.postEphemeral").at(-1)!.params).toMatchObject({
      channel: CHANNEL,
      user: MEMBER,
    });

    // The place's fields are in the form too, but only its admins may change them.
    const refused = await submitForm(MEMBER, { "place max-length": "15" });
    expect(refused).toContain("Only this place's admins can change its defaults and limits.");
    const placed = await responseTo(await command(ADMIN, "settings place max-length 15"));
    expect(placed).toContain("Longest length members may pick: ~15 s");

    const shown = await responseTo(await command(MEMBER, "settings length 30"));
    expect(shown).toContain("Your length (30 s) is above this place's maximum: 15 s applies here.");

    // Her next conversation: the settings line reaches the backend; the progress line shows them.
    const sim = bot.sim!;
    await command(MEMBER, "generate a video of a paper boat");
    const prompt =
      "[Video settings: aspect ratio 9:16, length about 15 seconds]\ngenerate a video of a paper boat";
    await bot.fake.waitFor(
      () => sim.requests.some((r) => r.path === "/run_sse" && r.message === prompt),
      15_000,
      "turn",
    );
    await bot.fake.waitFor(
      () => bot.fake.messages.some((m) => m.text.includes("Music and title added")),
      15_000,
      "answer",
    );
    const versions = bot.fake.messages.flatMap((m) => m.versions.map((v) => v.text));
    expect(versions.some((text) => text.includes("Generating video · 9:16 · ~15 s"))).toBe(true);
    expect(versions.some((text) => text.includes("Your 9:16 video (1080×1920) is ready!"))).toBe(true);
    const run = sim.requests.find((r) => r.path === "/run_sse" && r.message === prompt)!;
    const state = sim.state(run.sessionId!) as { canvas_config: Record<string, unknown> };
    expect(state.canvas_config).toEqual({ width: 1080, height: 1920, ratio: "9:16" });

    // Chinese: the settings answer and the bot's own words from then on.
    expect(await responseTo(await command(MEMBER, "settings language zh-CN"))).toContain("已保存");
    await command(MEMBER, "credits");
    await bot.fake.waitFor(
      () => ephemeralsTo(MEMBER).some((note) => note.includes("积分")),
      10_000,
      "Chinese credits",
    );
  });
});
