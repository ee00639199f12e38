import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackBot } from "./fakes/slack/slack-bot-fixture.js";
import { dumpKeys } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";
import {
  shownIn,
  slackButtons,
  slackClick,
  slackCommand,
  slackExportedThread,
} from "./helpers/slack-export-scenario.js";

const redis = useRedisServer();
const claimTokenIn = (text: string) => /ct=(clm_[\w-]+)/.exec(text)?.[1];

describe("Slack: claim links are private by default (CLAIM_LINKS=private)", () => {
  let bot: SlackBot;
  /** The ephemeral notes `user` got (`chat.postEphemeral`), as text. */
  const ephemeralsTo = (user: string) =>
    bot.fake
      .callsOf("chat.postEphemeral")
      .filter((call) => call.params.user === user)
      .map((call) => shownIn(call.params));
  beforeAll(async () => {
    bot = await SlackBot.start({ redisUrl: redis.url });
    bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
    bot.fake.users.set("U2", { name: "bob", locale: "en-US" });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("the owner gets the link as an ephemeral note and from the button; a member who clicks is told why, with no link", async () => {
    const sim = bot.sim!;
    const { threadTs, video } = await slackExportedThread(bot, "C300", "U1", "generate a video of a harbour");
    const inThread = () => JSON.stringify(bot.fake.thread("C300", threadTs));
    expect(inThread()).not.toContain("ct=clm_");
    const button = slackButtons(video).find((b) => b.action_id === "nemo_project_link");
    expect(button?.value).toBeDefined();
    // No claim link on the uploaded file either (the upload carries no comment).
    expect(bot.fake.uploads.every((upload) => upload.completed?.comment === undefined)).toBe(true);

    await bot.fake.waitFor(() => ephemeralsTo("U1").some((t) => claimTokenIn(t)), 10_000, "the owner's note");
    const handed = claimTokenIn(ephemeralsTo("U1").find((t) => claimTokenIn(t))!)!;
    expect(sim.claim(handed)?.sessionId).toBe(sim.sessions().at(-1));
    expect(bot.fake.callsOf("chat.postEphemeral").find((c) => c.params.user === "U1")!.params).toMatchObject({
      channel: "C300",
      thread_ts: threadTs,
    });

    const where = { channel: "C300", threadTs, message: video };
    await slackClick(bot, where, "U2", "nemo_project_link", button!.value);
    await bot.fake.waitFor(() => ephemeralsTo("U2").length > 0, 10_000, "Bob's answer");
    expect(ephemeralsTo("U2").join("\n")).toContain("Only the member who started this thread");
    expect(ephemeralsTo("U2").join("\n")).not.toContain("ct=");

    const before = ephemeralsTo("U1").length;
    await slackClick(bot, where, "U1", "nemo_project_link", button!.value);
    await bot.fake.waitFor(() => ephemeralsTo("U1").length > before, 10_000, "Alice's link");
    const fresh = claimTokenIn(ephemeralsTo("U1").at(-1)!)!;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(handed);
    expect(inThread()).not.toContain("ct=clm_");
  });

  it("falls back to the app's DM when the ephemeral note cannot reach the owner", async () => {
    bot.fake.fail("chat.postEphemeral", "user_not_in_channel");
    const { threadTs } = await slackExportedThread(bot, "C302", "U1", "generate a video of a lantern");
    const direct = () =>
      bot.fake
        .callsOf("chat.postMessage")
        .filter((call) => call.params.channel === "U1")
        .map((c) => shownIn(c.params));
    await bot.fake.waitFor(() => direct().some((t) => claimTokenIn(t)), 10_000, "the owner's DM");
    expect(JSON.stringify(bot.fake.thread("C302", threadTs))).not.toContain("ct=clm_");
  });

  it("/nemo history answers privately with fresh links; no Redis key holds a claim token", async () => {
    await slackExportedThread(bot, "C301", "U1", "generate a video of a quiet library");
    await slackCommand(bot, "C301", "U1", "history", "t-history");
    const answered = () => bot.fake.responses.find((r) => r.path.endsWith("/t-history"));
    await bot.fake.waitFor(() => answered() !== undefined, 10_000, "history");
    const body = answered()!.body as Record<string, unknown>;
    expect(body.response_type).toBe("ephemeral");
    expect(shownIn(body)).toContain("Your last exports");
    expect(shownIn(body)).toMatch(/\|Reopen render_/);
    expect(claimTokenIn(shownIn(body))).toBeDefined();

    const keys = await dumpKeys(bot.runtime!.services.redis, `${bot.runtime!.services.keys.bull}:*`);
    expect(keys.some(({ key }) => key.includes(":history:"))).toBe(true);
    expect(keys.filter(({ value }) => value.includes("clm_")).map(({ key }) => key)).toEqual([]);
  });
});

describe("Slack: CLAIM_LINKS=public", () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await SlackBot.start({ redisUrl: redis.url, env: { CLAIM_LINKS: "public" } });
    bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  });
  afterAll(async () => {
    await bot?.dispose();
  });

  it("posts “Open in NemoVideo” with the video for everyone, and no button", async () => {
    const { video } = await slackExportedThread(bot, "C400", "U1", "generate a video of a windmill");
    expect(shownIn(video as never)).toMatch(
      /<https:\/\/web\.example\/workspace\/claim\?ct=clm_[^|>]*\|Open in NemoVideo>/,
    );
    expect(slackButtons(video).some((b) => b.action_id === "nemo_project_link")).toBe(false);
    expect(bot.fake.callsOf("chat.postEphemeral")).toEqual([]);
  });
});
