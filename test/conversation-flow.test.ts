import { afterEach, describe, expect, it } from "vitest";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { replyText } from "./helpers/recording-messenger.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

describe("a conversation end to end", () => {
  it("generates, edits silently (diff shown), shows status, exports and links the video", async () => {
    bot = await startBot(redis.url, { sim: { silentEdits: true } });
    const { messenger } = bot;
    const ref = bot.ref("main");
    const has = (needle: string) => () => messenger.transcript(ref).includes(needle);

    await bot.say("main", "generate a video of a city timelapse");
    await messenger.waitFor(has("Music and title added"), 15_000, "generation reply");
    const transcript = messenger.transcript(ref);
    expect(transcript).toContain("Raw video ready");
    expect(transcript).not.toMatch(/click the Export button/i);
    const answer = messenger.thread(ref).at(-1)!;
    expect(answer.actions?.map((action) => action.kind)).toEqual(
      expect.arrayContaining(["export", "timeline", "credits"]),
    );

    await bot.say("main", 'add a title "Urban Dreams"');
    await messenger.waitFor(has("Urban Dreams"), 15_000, "silent edit diff");
    expect(messenger.transcript(ref)).toMatch(/What changed|changed/i);

    await bot.say("main", "status");
    await messenger.waitFor(has("Timeline ("), 15_000, "timeline summary");

    await bot.click("main", "export");
    await messenger.waitFor(has("/files/render_"), 15_000, "video link");
    const done = messenger.thread(ref).find((reply) => reply.video)!;
    expect(done.video!.url).toMatch(/\/files\/render_.*\.mp4$/);
    // The claim link is the owner's alone: in the thread only the button that hands it over privately.
    expect(done.links ?? []).toEqual([]);
    expect(done.actions?.map((action) => action.kind)).toContain("project_link");
    await messenger.waitFor(() => messenger.directReplies.length > 0, 15_000, "the owner's private link");
    const task = messenger.directReplies[0]!.reply.links?.find((link) =>
      link.url.includes("/workspace/claim"),
    );
    const claim = new URL(task!.url).searchParams.get("ct");
    expect(claim).toMatch(/^clm_/);
    expect(bot.sim.claim(claim!)?.sessionId).toBe(bot.sim.sessions()[0]);
    expect(task?.url).not.toMatch(/nmv_|token|task=|session=/);
    expect((await fetch(done.video!.url)).headers.get("content-type")).toBe("video/mp4");
    const runs = bot.sim.sessions().map((session) => bot!.sim.runSseCount(session));
    expect(runs).toEqual([2]);
    expect(
      messenger.messages
        .flatMap((message) => message.versions)
        .map(replyText)
        .join("\n"),
    ).not.toMatch(/nmv_usr_/);
  });
});
