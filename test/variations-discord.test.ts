import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SettingsStore } from "../src/store/settings-store.js";
import { galleryUrls, interactiveComponents } from "./fakes/discord/components-v2.js";
import { type DiscordHarness, startDiscordHarness } from "./fakes/discord/harness.js";
import { textsOf } from "./fakes/discord/message-text.js";
import { latest, type StoredMessage } from "./fakes/discord/model.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: DiscordHarness;

beforeAll(async () => {
  bot = await startDiscordHarness(redis.url, {
    adapter: (fake) => ({ allowedChannels: [fake.general.id] }),
    sim: { credits: 5_000 },
    // 1 generation (the source) + 3 variations + nothing more: a second batch of 3 is refused.
    env: { QUOTA_GENERATIONS_PER_DAY: "user=5" },
  });
});
afterAll(async () => {
  await bot?.dispose();
});

const customIds = (message: StoredMessage): string[] =>
  interactiveComponents(latest(message).components).map((control) => control.custom_id ?? "");
const followUpText = (interaction: { followUps: Record<string, unknown>[] }) =>
  interaction.followUps.flatMap(textsOf).join("\n");
const withButton = (channelId: string, prefix: string): StoredMessage | undefined =>
  bot.fake.botMessagesIn(channelId).find((m) => customIds(m).some((id) => id.startsWith(prefix)));
const buttonId = (message: StoredMessage, prefix: string): string =>
  customIds(message).find((id) => id.startsWith(prefix))!;
const newSessions = () => bot.sim.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent")).length;

describe("Variations on Discord (real discord.js, fake Discord, simulator, Redis)", () => {
  it("🎲 → one confirmation → Start → 3 sessions, each sent the prompt once → one gallery → Continue with #2", async () => {
    const { fake, sim } = bot;
    const prompt = "generate a video of a red fox in the snow";
    const question = fake.mention(fake.general.id, prompt);
    await fake.waitFor(() => fake.channels.has(question.id), 5_000, "thread");
    const thread = question.id;
    await fake.waitFor(
      () => withButton(thread, "nemo:variations:") !== undefined,
      10_000,
      "🎲 on the answer",
    );
    const answer = withButton(thread, "nemo:variations:")!;
    const dice = buttonId(answer, "nemo:variations:");
    // The answer keeps its follow-up buttons (🎲 has a row of its own, not a select menu).
    expect(customIds(answer)).toEqual(
      expect.arrayContaining(["nemo:export", "nemo:timeline", "nemo:credits"]),
    );

    // Another thread: the 🎲 replayed there reaches nothing.
    const other = fake.mention(fake.general.id, "hello there");
    await fake.waitFor(() => bot.transcript(other.id).includes("You said"), 10_000, "other thread");
    const replay = fake.click(fake.botMessagesIn(other.id).at(-1)!, dice);
    await fake.waitFor(() => replay.followUps.length > 0, 10_000, "replay refused");
    expect(followUpText(replay)).toContain("another thread");

    // A member who is not the thread's owner (Carol, no Manage Server) is refused, privately.
    const before = fake.botMessagesIn(thread).length;
    const carol = fake.click(answer, dice, { user: fake.carol });
    await fake.waitFor(() => carol.followUps.length > 0, 10_000, "Carol refused");
    expect(followUpText(carol)).toContain("Only the member who started this thread");
    expect(fake.botMessagesIn(thread)).toHaveLength(before);

    // Alice's own settings go with the batch (and the question says so).
    const { redis: client, keys, queues } = bot.runtime.services;
    await new SettingsStore(client, keys).changeMember("discord", fake.alice.id, { aspectRatio: "9:16" });
    const sessionsBefore = newSessions();
    fake.click(answer, dice);
    await fake.waitFor(
      () => withButton(thread, "nemo:variations_confirm:") !== undefined,
      10_000,
      "confirmation",
    );
    const question3 = withButton(thread, "nemo:variations_confirm:")!;
    const shown = latest(question3).content;
    expect(shown).toContain("Make 3 variations");
    expect(shown).toMatch(/about 300 credits \(3 × ~100; an estimate/);
    expect(shown).toMatch(/Balance: \d+ credits/);
    expect(shown).toContain("Same settings: 9:16.");
    expect(newSessions()).toBe(sessionsBefore);

    // Carol cannot press Start for Alice.
    const start = buttonId(question3, "nemo:variations_confirm:");
    const carolStart = fake.click(question3, start, { user: fake.carol });
    await fake.waitFor(() => carolStart.followUps.length > 0, 10_000, "Carol's Start refused");
    expect(followUpText(carolStart)).toContain("Only the member who asked for these variations");

    fake.click(question3, start);
    await fake.waitFor(
      () => bot.transcript(thread).includes("Variations: 3 of 3 ready"),
      20_000,
      "batch done",
    );
    // A second Start starts nothing more.
    const again = fake.click(question3, start);
    await fake.waitFor(() => again.followUps.length > 0, 10_000, "second Start answered");
    expect(followUpText(again)).toContain("already started");

    const galleries = fake
      .botMessagesIn(thread)
      .filter((m) => customIds(m).some((id) => id.startsWith("nemo:choose_variation:")));
    expect(galleries).toHaveLength(1);
    const gallery = galleries[0]!;
    expect(galleryUrls(latest(gallery).components)).toHaveLength(3);
    expect(customIds(gallery).filter((id) => id.startsWith("nemo:choose_variation:"))).toHaveLength(3);
    expect(latest(gallery).content).toContain(`3 variations of "${prompt}"`);
    expect(
      fake.botMessagesIn(thread).filter((m) => /Variations \d\/3|Variations: 3 of 3/.test(latest(m).content)),
    ).toHaveLength(1);

    // Exactly 3 new sessions, each sent the prompt once; the thread's own session got it once too.
    expect(newSessions()).toBe(sessionsBefore + 3);
    const sends = sim.requests.filter((r) => r.message?.endsWith(prompt));
    expect(sends).toHaveLength(4);
    expect(new Set(sends.map((r) => r.sessionId)).size).toBe(4);
    // The variations carry Alice's settings line, as her own turn would; each is made in 9:16.
    const variations = sends.slice(1);
    for (const sent of variations) {
      expect(sent.message).toBe(`[Video settings: aspect ratio 9:16]\n${prompt}`);
      const state = sim.state(sent.sessionId!) as { canvas_config: Record<string, unknown> };
      expect(state.canvas_config).toMatchObject({ ratio: "9:16" });
    }

    // A run retaken after its prompt left (its result lost with the worker): it never sends again, it
    // reads the session's state; the gallery, claimed once, is not posted again.
    const batchId = start.slice("nemo:variations_confirm:".length);
    await client.hdel(keys.variationBatch(batchId), "r:2");
    const inbound = {
      id: `${batchId}:run:2`,
      ref: { platform: "discord", workspace: fake.guild.id, channel: fake.general.id, thread },
      user: { id: fake.alice.id },
      text: "",
      attachments: [],
    };
    await queues.command.add(
      "command",
      { inbound, intent: { kind: "variation_run", arg: `${batchId}:2` } } as never,
      { jobId: "retaken-run" },
    );
    await eventually(() => bot.logs.find("variation-already-sent").length > 0, 10_000, "retaken run");
    let kept: string | null = null;
    await eventually(
      () => {
        void client.hget(keys.variationBatch(batchId), "r:2").then((value) => {
          kept = value;
        });
        return kept !== null;
      },
      10_000,
      "result kept again",
    );
    expect(kept).toContain('"ok":true');
    expect(sim.requests.filter((r) => r.message?.endsWith(prompt))).toHaveLength(4);

    // Carol (a member) cannot make a variation the thread's project.
    const carolChoice = fake.click(gallery, customIds(gallery).find((id) => id.endsWith(":1"))!, {
      user: fake.carol,
    });
    await fake.waitFor(() => carolChoice.followUps.length > 0, 10_000, "Carol's choice refused");
    expect(followUpText(carolChoice)).toContain("Only the member who started this thread");

    // "Continue with #2": the thread's next message goes to variation 2's session.
    const choose2 = customIds(gallery).find((id) => id.endsWith(":2"))!;
    fake.click(gallery, choose2);
    await fake.waitFor(
      () => bot.transcript(thread).includes("Continuing with variation 2"),
      10_000,
      "chosen",
    );
    const secondUrl = galleryUrls(latest(gallery).components)[1]!;
    const chosenSession = sim.requests.find(
      (r) => r.message?.endsWith(prompt) && secondUrl.includes(r.sessionId ?? "?"),
    );
    expect(chosenSession).toBeDefined();
    fake.say(thread, "make the title red");
    await fake.waitFor(
      () => sim.requests.some((r) => r.message === "make the title red"),
      10_000,
      "edit sent",
    );
    expect(sim.requests.find((r) => r.message === "make the title red")!.sessionId).toBe(
      chosenSession!.sessionId,
    );

    // Quotas counted 1 + 3 generations of 5: a second batch of 3 is refused before anything starts.
    const sessionsNow = newSessions();
    fake.click(answer, dice);
    await fake.waitFor(
      () =>
        fake
          .botMessagesIn(thread)
          .filter((m) => customIds(m).some((id) => id.startsWith("nemo:variations_confirm:"))).length === 2,
      10_000,
      "second confirmation",
    );
    const second = fake
      .botMessagesIn(thread)
      .filter((m) => customIds(m).some((id) => id.startsWith("nemo:variations_confirm:")))[1]!;
    fake.click(second, buttonId(second, "nemo:variations_confirm:"));
    await fake.waitFor(
      () => bot.transcript(thread).includes("Variations not started"),
      10_000,
      "quota refusal",
    );
    expect(newSessions()).toBe(sessionsNow);
    expect(sim.requests.filter((r) => r.message?.endsWith(prompt))).toHaveLength(4);
    expect(
      fake
        .botMessagesIn(thread)
        .filter((m) => customIds(m).some((id) => id.startsWith("nemo:choose_variation:"))),
    ).toHaveLength(1);
    if (process.env.SHOW_TRANSCRIPT) console.log(bot.transcript(thread));
  });
});
