import { afterEach, describe, expect, it } from "vitest";
import { EXPORT_LOCK_GRACE_MS } from "../src/conversation/exports/stale-export-lock.js";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { KEY_TTL_SECONDS } from "../src/store/keys.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

/** A thread with a generated video, ready to export. */
async function threadWithDraft(): Promise<BotFixture> {
  const fixture = await startBot(redis.url);
  const ref = fixture.ref("main");
  await fixture.say("main", "generate a video of a city timelapse");
  await fixture.messenger.waitFor(
    () => fixture.messenger.transcript(ref).includes("Music and title added"),
    15_000,
    "generation reply",
  );
  return fixture;
}

/**
 * What a process killed between taking the thread's export lock and queueing the export leaves behind:
 * the lock, held `ageMs` ago by a job id that was never queued.
 */
async function crashedLock(fixture: BotFixture, ageMs: number, holder = "export-ghost"): Promise<string> {
  const key = fixture.runtime.services.keys.exportLock(refKey(fixture.ref("main")));
  const leftMs = KEY_TTL_SECONDS.exportLock * 1000 - ageMs;
  await fixture.runtime.services.redis.set(key, holder, "PX", leftMs);
  return key;
}

describe("a thread's export lock left by a crash", () => {
  it("is freed by the next export request once its holder is gone, and the export runs", async () => {
    bot = await threadWithDraft();
    const key = await crashedLock(bot, EXPORT_LOCK_GRACE_MS + 60_000);
    const ref = bot.ref("main");
    await bot.click("main", "export");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(ref).includes("/files/render_"),
      15_000,
      "video",
    );
    expect(bot.messenger.transcript(ref)).not.toContain("An export is already running");
    expect(await bot.runtime.services.redis.get(key)).not.toBe("export-ghost");
  });

  it("is freed by Cancel, which says so; the thread exports again afterwards", async () => {
    bot = await threadWithDraft();
    const key = await crashedLock(bot, EXPORT_LOCK_GRACE_MS + 60_000);
    const ref = bot.ref("main");
    await bot.say("main", "cancel");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(ref).includes("Export cancelled."), 15_000);
    expect(await bot.runtime.services.redis.exists(key)).toBe(0);
    await bot.click("main", "export");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(ref).includes("/files/render_"),
      15_000,
      "video",
    );
  });

  it("is kept while it is young or its export job still waits: the request joins it", async () => {
    bot = await threadWithDraft();
    const ref = bot.ref("main");
    const joined = () => bot!.messenger.transcript(ref).split("An export is already running").length - 1;
    // Young: its export may be between the lock and the queue.
    const key = await crashedLock(bot, 1_000);
    await bot.click("main", "export");
    await bot.messenger.waitFor(() => joined() === 1, 15_000, "joined (young lock)");
    expect(await bot.runtime.services.redis.get(key)).toBe("export-ghost");
    // Old, but its job still waits in the export queue (delayed): alive.
    const { queues } = bot.runtime.services;
    const job = await queues.export.add(
      "export",
      { refKey: refKey(ref), lang: "en" },
      { jobId: "export-waiting-one", delay: 3_600_000 },
    );
    await crashedLock(bot, EXPORT_LOCK_GRACE_MS + 60_000, job.id!);
    await bot.click("main", "export");
    await bot.messenger.waitFor(() => joined() === 2, 15_000, "joined (waiting job)");
    expect(await bot.runtime.services.redis.get(key)).toBe(job.id);
    await job.remove();
  });
});
