import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { latest, type StoredMessage } from "./fakes/discord/model.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { settledTurn } from "./helpers/settled-turn.js";

const redis = useRedisServer();
let bot: DiscordHarness;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    adapter: (fake) => ({ allowedChannels: [fake.general.id] }),
  });
});
afterAll(async () => {
  await bot?.dispose();
});

/** The quick-reply buttons of a message as shown now: label → custom id. */
const quickButtons = (message: StoredMessage): Map<string, string> =>
  new Map(
    interactiveComponents(latest(message).components)
      .filter((control) => control.custom_id?.startsWith("nemo:quick_reply:"))
      .map((control) => [control.label ?? "", control.custom_id!]),
  );

const sent = (text: string) => bot.sentMessages().filter((message) => message === text).length;

function settled(message: string): Promise<void> {
  return settledTurn(bot.runtime.services.queues.turn, message, 10_000);
}

/** Starts a thread with `text` and resolves to it and the bot's answer once `shown` is in it. */
async function ask(text: string, shown: string): Promise<{ thread: string; answer: StoredMessage }> {
  const { fake } = bot;
  const question = fake.mention(fake.general.id, text);
  await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread");
  await fake.waitFor(() => bot.transcript(question.id).includes(shown), 10_000, shown);
  const answer = fake.botMessagesIn(question.id).find((message) => latest(message).content.includes(shown))!;
  return { thread: question.id, answer };
}

describe("quick replies on Discord (real discord.js, fake Discord, simulator, Redis)", () => {
  it("a numbered question becomes buttons; a click sends exactly that choice once, from the clicker, and the answer shows it", async () => {
    const { fake } = bot;
    const { thread, answer } = await ask(
      "make a video about my cat in any style",
      "Which style would you like?",
    );
    const buttons = quickButtons(answer);
    expect([...buttons.keys()]).toEqual(["Cinematic", "Anime", "Documentary"]);
    // The button carries the record and the index, never the text; well under Discord's 100.
    for (const id of buttons.values()) {
      expect(id).toMatch(/^nemo:quick_reply:q[\w-]{16}:\d$/);
      expect(id.length).toBeLessThanOrEqual(100);
    }

    const click = fake.click(answer, buttons.get("Anime")!, { user: fake.bob });
    await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 10_000, "generated");
    expect(click.callbacks).toEqual([expect.objectContaining({ type: 6 })]);
    expect(sent("Anime")).toBe(1);
    // The simulator received it as the answer to its question: a generation in that style.
    const run = bot.sim.requests.find((request) => request.message === "Anime")!;
    expect(run.outcome).toBe("accepted");
    // Spoken by the clicker (Bob), in the answer's thread: a turn like any typed message.
    const turns = await bot.runtime.services.queues.turn.getJobs(["completed", "active", "waiting"]);
    expect(turns.find((job) => job.data.text === "Anime")?.data).toMatchObject({
      userId: fake.bob.id,
      refKey: expect.stringContaining(thread),
    });
    // The answer now shows the choice taken, without its buttons.
    await fake.waitFor(
      () => latest(answer).content.includes("➡️ bob answered: Anime"),
      5_000,
      "edited answer",
    );
    expect(quickButtons(answer).size).toBe(0);
    expect(latest(answer).content).toContain("Which style would you like?");

    // A second click (another member, an old copy of the button) sends nothing and is told privately.
    const again = fake.click(answer, buttons.get("Documentary")!, { user: fake.alice });
    await fake.waitFor(() => again.followUps.length > 0, 5_000, "private note");
    expect(JSON.stringify(again.followUps)).toContain("already answered");
    expect(Number(again.followUps[0]!.flags) & 64).toBe(64); // ephemeral
    // A redelivery of the first click (the gateway sends the same INTERACTION_CREATE again, same id and
    // token, as after a resume) is the same interaction: it sends nothing more.
    const delivery = fake.gateway.delivered.find(
      (event) => event.t === "INTERACTION_CREATE" && (event.d as { id?: string }).id === click.id,
    )!;
    expect(delivery).toBeDefined();
    const failed = bot.logs.find("discord-interaction-failed").length;
    const duplicates = bot.logs.find("inbound-duplicate-ignored").length;
    fake.gateway.dispatch("INTERACTION_CREATE", delivery.d);
    // Dealt with: refused by Discord as already acknowledged, or dropped by the intake.
    await eventually(
      () =>
        bot.logs.find("discord-interaction-failed").length > failed ||
        bot.logs.find("inbound-duplicate-ignored").length > duplicates,
      5_000,
      "the redelivery dealt with",
    );
    await settled("Anime");
    expect(sent("Anime")).toBe(1);
    expect(sent("Documentary")).toBe(0);
  });

  it("a click whose id is replayed into another thread is refused and sends nothing", async () => {
    const { fake } = bot;
    const first = await ask("create a clip about the sea, any style", "Which style would you like?");
    const second = await ask("hello there", "You said");
    const stolen = quickButtons(first.answer).get("Cinematic")!;
    const replay = fake.click(second.answer, stolen, { user: fake.bob });
    await fake.waitFor(() => replay.followUps.length > 0, 5_000, "refusal");
    expect(JSON.stringify(replay.followUps)).toContain("belongs to another thread");
    expect(sent("Cinematic")).toBe(0);
    // The choice is still there for its own thread.
    const own = fake.click(first.answer, stolen);
    await fake.waitFor(() => sent("Cinematic") === 1, 10_000, "sent in its own thread");
    expect(own.followUps).toEqual([]);
  });

  it("a question the conversation moved past (answered by typing) is closed: a late click sends nothing", async () => {
    const { fake } = bot;
    const { thread, answer } = await ask(
      "make a clip about my dog in any style",
      "Which style would you like?",
    );
    const buttons = quickButtons(answer);
    fake.say(thread, "documentary please");
    await fake.waitFor(() => bot.transcript(thread).includes("Music and title added"), 10_000, "generated");
    expect(bot.sim.requests.some((request) => request.message === "documentary please")).toBe(true);
    const before = sent("Anime");
    const late = fake.click(answer, buttons.get("Anime")!, { user: fake.bob });
    await fake.waitFor(() => late.followUps.length > 0, 5_000, "private note");
    expect(JSON.stringify(late.followUps)).toContain("The conversation has moved on since that question");
    await fake.waitFor(() => quickButtons(answer).size === 0, 5_000, "buttons gone");
    expect(latest(answer).content).not.toContain("answered:");
    expect(sent("Anime")).toBe(before);
  });

  it("Chinese: the question's choices are Chinese, and the click sends the Chinese choice", async () => {
    const { fake } = bot;
    const { thread, answer } = await ask("做一个关于猫的视频，风格随意", "你想要哪种风格？");
    const buttons = quickButtons(answer);
    expect([...buttons.keys()]).toEqual(["电影感", "动漫", "纪录片"]);
    // Picked from the select menu more than five choices become (`nemo:quick`, values = the buttons' ids).
    const pick = fake.choose(answer, "nemo:quick", [buttons.get("动漫")!], { locale: "zh-CN" });
    await fake.waitFor(() => sent("动漫") === 1, 10_000, "sent");
    // The line under the answer is in the thread's language (Alice's messages carry no locale: English).
    await fake.waitFor(
      () => latest(answer).content.includes("➡️ Alice answered: 动漫"),
      5_000,
      "edited answer",
    );
    await fake.waitFor(() => bot.transcript(thread).includes("视频已生成"), 10_000, "generated");
    expect(pick.callbacks).toEqual([expect.objectContaining({ type: 6 })]);
  });

  it("a yes/no question gets Yes / No; Yes adds the music", async () => {
    const { fake } = bot;
    const { thread, answer } = await ask("what next?", "Shall I add background music?");
    const buttons = quickButtons(answer);
    expect([...buttons.keys()]).toEqual(["Yes", "No"]);
    fake.click(answer, buttons.get("Yes")!);
    await fake.waitFor(() => bot.transcript(thread).includes("background music"), 10_000, "music");
    await fake.waitFor(() => sent("Yes") === 1, 5_000, "sent");
  });
});
