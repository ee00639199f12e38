import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { DIST_SIGNING_SECRET, DistributedSlackBot } from "./fakes/slack/distribution-fixture.js";
import { FakeSlackApi, type FakeWorkspace } from "./fakes/slack/fake-slack-api.js";
import { appMention, blockActionsBody, messageEvent } from "./fakes/slack/payloads.js";
import { sendSigned } from "./fakes/slack/signed-request.js";
import { TestRedisServer } from "./helpers/redis-server.js";

const ALPHA: FakeWorkspace = { teamId: "TALPHA", botUserId: "UBOTA" };
const BETA: FakeWorkspace = { teamId: "TBETA", botUserId: "UBOTB" };

let redis: TestRedisServer;
let bot: DistributedSlackBot;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  bot = await DistributedSlackBot.start(redis.url, {
    // Also set: one workspace's token that must never be sent for another workspace's files.
    SLACK_BOT_TOKEN: "xoxb-single-workspace-token",
    // The simulator's MP4 is one byte over the limit: it must be linked, not uploaded.
    SLACK_MAX_UPLOAD_MB: String((SAMPLE_MP4.length - 1) / 1_000_000),
  });
  await bot.install(ALPHA);
  await bot.install(BETA);
});
afterAll(async () => {
  await bot?.close();
  await redis?.stop();
});

const visibleIn = (channel: string, threadTs: string | undefined) =>
  bot.fake.messages
    .filter((message) => message.channel === channel && message.thread_ts === threadTs)
    .map((message) => FakeSlackApi.visible(message));

describe("Slack files in distribution mode", () => {
  it("downloads each workspace's file with that workspace's own bot token", async () => {
    const alphaToken = await bot.tokenOf(ALPHA.teamId);
    const betaToken = await bot.tokenOf(BETA.teamId);
    expect(alphaToken).toMatch(/^xoxb-TALPHA-/);
    expect(betaToken).toMatch(/^xoxb-TBETA-/);
    const alphaFile = bot.fake.addFile("FALPHA1", "alpha.mp4", "video/mp4", SAMPLE_MP4, ALPHA.teamId);
    const betaFile = bot.fake.addFile("FBETA1", "beta.mp4", "video/mp4", SAMPLE_MP4, BETA.teamId);
    const share = (workspace: FakeWorkspace, channel: string, ts: string, file: unknown) =>
      bot.sendEvent(
        workspace,
        messageEvent({
          channel,
          channelType: "im",
          user: "U1",
          subtype: "file_share",
          text: "",
          ts,
          files: [file],
        }),
        `Ev-file-${workspace.teamId}`,
      );
    expect((await share(ALPHA, "DALPHA", "1700010001.000100", alphaFile)).status).toBe(200);
    expect((await share(BETA, "DBETA", "1700010002.000100", betaFile)).status).toBe(200);
    await bot.fake.waitFor(
      () =>
        visibleIn("DALPHA", undefined).some((text) => text.includes("Added alpha.mp4")) &&
        visibleIn("DBETA", undefined).some((text) => text.includes("Added beta.mp4")),
      20_000,
      "both uploads confirmed",
    );
    // Each file fetched once, with its own workspace's token; never the other's, never SLACK_BOT_TOKEN.
    const downloads = [...bot.fake.downloads].sort((a, b) => a.path.localeCompare(b.path));
    expect(downloads).toEqual([
      { path: "/files-pri/TALPHA-FALPHA1/download/alpha.mp4", authorization: `Bearer ${alphaToken}` },
      { path: "/files-pri/TBETA-FBETA1/download/beta.mp4", authorization: `Bearer ${betaToken}` },
    ]);
    expect(bot.sim.requests.filter((r) => r.path.startsWith("/api/upload-video"))).toHaveLength(2);
    // The upload jobs carried the workspace (in the thread's key), not a token.
    const jobs = await bot.runtime.services.queues.upload.getJobs([
      "completed",
      "failed",
      "active",
      "waiting",
    ]);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs) expect(JSON.stringify(job.data)).not.toMatch(/xox[a-z]-/);
  });

  it("links an export larger than SLACK_MAX_UPLOAD_MB instead of uploading it", async () => {
    const ts = "1700010003.000100";
    const mention = appMention({
      channel: "CALPHA",
      user: "U1",
      text: `<@${ALPHA.botUserId}> make a video`,
      ts,
    });
    expect((await bot.sendEvent(ALPHA, mention, "Ev-video-alpha")).status).toBe(200);
    const hasExport = (text: string) => text.includes('"nemo_export"');
    await bot.fake.waitFor(() => visibleIn("CALPHA", ts).some(hasExport), 20_000, "the answer");
    const answer = bot.fake.messages.find(
      (message) => message.channel === "CALPHA" && hasExport(FakeSlackApi.visible(message)),
    )!;
    const click = blockActionsBody({
      team: ALPHA.teamId,
      channel: "CALPHA",
      user: "U1",
      botUserId: ALPHA.botUserId,
      messageTs: answer.ts,
      threadTs: ts,
      actionId: "nemo_export",
      actionTs: "1700010004.000001",
      responseUrl: `${bot.fake.url}/respond/export`,
    });
    const clicked = await sendSigned(`${bot.base}/slack/events`, click, {
      secret: DIST_SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(clicked.status).toBe(200);
    await bot.fake.waitFor(
      () => visibleIn("CALPHA", ts).some((text) => text.includes("✅ Your video is ready")),
      20_000,
      "the finished video",
    );
    const finished = visibleIn("CALPHA", ts).find((text) => text.includes("✅ Your video is ready"))!;
    // Posted as a link with its size, in the thread; nothing uploaded to Slack.
    const limit = `${Math.round((SAMPLE_MP4.length - 1) / 1_000)} KB`;
    expect(finished).toMatch(new RegExp(`🎬 <http[^|]+\\|render_[^>]+\\.mp4> · \\d+ KB > ${limit}`));
    expect(bot.fake.callsOf("files.getUploadURLExternal")).toHaveLength(0);
    expect(bot.fake.uploads).toHaveLength(0);
  });
});
