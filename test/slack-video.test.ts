import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSlackMessenger } from "../src/adapters/slack/outbound/slack-messenger.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import { silentLogger } from "../src/core/logger.js";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { FakeSlackApi, type FakeSlackMessage } from "./fakes/slack/fake-slack-api.js";
import { appMention, blockActionsBody, eventCallbackBody, slashCommandBody } from "./fakes/slack/payloads.js";
import { BOT_TOKEN, BOT_USER, SlackBot, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { TestRedisServer } from "./helpers/redis-server.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const hasExportButton = (message: FakeSlackMessage) =>
  JSON.stringify(message.blocks ?? []).includes('"nemo_export"');

describe("Slack: an exported video plays in the thread", () => {
  let redis: TestRedisServer;
  let bot: SlackBot;
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    bot = await SlackBot.start({ redisUrl: redis.url });
    bot.fake.users.set("U1", { name: "alice", locale: "en-US" });
  });
  afterAll(async () => {
    await bot?.dispose();
    await redis?.stop();
  });

  it("a small export arrives as a file in the thread whose bytes are the backend's MP4", async () => {
    const ts = "1700001000.000100";
    await bot.sendJson(
      eventCallbackBody(
        appMention({ channel: "C700", user: "U1", text: `<@${BOT_USER}> make a video`, ts }),
        {
          team: TEAM,
          eventId: "EvVideo1",
          botUserId: BOT_USER,
        },
      ),
    );
    await bot.fake.waitFor(() => bot.fake.thread("C700", ts).some(hasExportButton), 15_000, "answer");
    const answer = bot.fake.thread("C700", ts).find(hasExportButton)!;
    await bot.sendForm(
      blockActionsBody({
        team: TEAM,
        channel: "C700",
        user: "U1",
        botUserId: BOT_USER,
        messageTs: answer.ts,
        threadTs: ts,
        actionId: "nemo_export",
        actionTs: "1700001001.000001",
        responseUrl: bot.responseUrl("c700"),
      }),
    );
    await bot.fake.waitFor(() => bot.fake.uploads.some((u) => u.completed), 15_000, "upload completed");
    const [upload] = bot.fake.uploads;
    expect(upload).toMatchObject({
      filename: expect.stringMatching(/^render_.+\.mp4$/),
      length: SAMPLE_MP4.length,
      received: SAMPLE_MP4.length,
      sha256: sha256(SAMPLE_MP4),
      completed: { channel: "C700", threadTs: ts },
    });
    // The file carries no comment: never a claim link on it (the link goes to the owner privately).
    expect(upload!.completed?.comment).toBeUndefined();
    // The result replaced the export's progress message (with the thread's buttons); the file follows it.
    const thread = bot.fake.thread("C700", ts);
    const result = thread.find((m) => m.text.includes("✅ Your video is ready"))!;
    expect(result.versions.some((v) => /Starting the export|Exporting/.test(FakeSlackApi.visible(v)))).toBe(
      true,
    );
    expect(hasExportButton(result)).toBe(true);
    expect(thread.at(-1)?.files?.[0]?.id).toBe(upload!.fileId);
    // The claim link went to the thread's owner only (an ephemeral note in the thread), not into it.
    await bot.fake.waitFor(() => bot.fake.callsOf("chat.postEphemeral").length > 0, 10_000, "private link");
    const note = bot.fake.callsOf("chat.postEphemeral")[0]!.params as Record<string, unknown>;
    expect(note).toMatchObject({ channel: "C700", user: "U1", thread_ts: ts });
    expect(FakeSlackApi.visible(note as never)).toMatch(/workspace\/claim\?ct=clm_/);
    expect(JSON.stringify(thread)).not.toMatch(/ct=clm_/);
    const sequence = bot.fake.calls
      .filter(
        (call) =>
          call.params.channel === "C700" ||
          call.params.channel_id === "C700" ||
          call.method.startsWith("files."),
      )
      .map((call) => call.method);
    console.log(`Slack call sequence (generation + export): ${sequence.join(" → ")}`);

    // The export is in the user's history: `/nemo history` answers privately with it.
    await bot.sendForm(
      slashCommandBody({
        team: TEAM,
        channel: "C700",
        user: "U1",
        text: "history",
        triggerId: "1701.2002.hist",
        responseUrl: bot.responseUrl("hist"),
      }),
    );
    const answered = () => bot.fake.responses.find((r) => r.path === "/respond/hist");
    await bot.fake.waitFor(() => answered() !== undefined, 10_000, "history");
    const shown = FakeSlackApi.visible(answered()!.body as never);
    expect(answered()!.body).toMatchObject({ response_type: "ephemeral" });
    expect(shown).toContain("Your last exports");
    expect(shown).toContain(upload!.filename);
    expect(shown).toMatch(/Reopen render_[^|]*\|?/);
    expect(shown).toMatch(/workspace\/claim\?ct=clm_/);
  });
});

describe("Slack messenger: video upload limits and sources", () => {
  let fake: FakeSlackApi;
  let source: Server;
  let sourceUrl: string;
  const big = { size: 50 * 1024 * 1024, hash: "", sent: 0 };
  beforeAll(async () => {
    fake = await FakeSlackApi.start({ botToken: BOT_TOKEN });
    // 50 MiB made of 64 KiB chunks, generated as it is sent (the test holds no copy either).
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    const hash = createHash("sha256");
    for (let sent = 0; sent < big.size; sent += chunk.length) hash.update(chunk);
    big.hash = hash.digest("hex");
    source = createServer((req, res) => {
      if (req.url === "/broken.mp4") return void res.writeHead(503).end();
      if (req.url === "/small.mp4")
        return void res.writeHead(200, { "content-length": String(SAMPLE_MP4.length) }).end(SAMPLE_MP4);
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(big.size) });
      let sent = 0;
      big.sent = 0;
      const pump = () => {
        while (sent < big.size) {
          sent += chunk.length;
          big.sent = sent;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
    sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    source?.closeAllConnections();
    await new Promise<void>((resolve) => source?.close(() => resolve()));
    await fake?.close();
  });
  afterEach(() => {
    fake.uploads.length = 0;
  });
  const ref: ConversationRef = { platform: "slack", workspace: "T0FAKE", channel: "C1", thread: "1.1" };
  const messenger = (maxUploadBytes: number) =>
    createSlackMessenger({
      botToken: BOT_TOKEN,
      apiUrl: fake.apiUrl,
      logger: silentLogger(),
      maxUploadBytes,
    });

  it("posts a video larger than the cap as a link with its size, uploading nothing", async () => {
    const id = await messenger(1_000_000).post(ref, {
      text: "done",
      video: { url: `${sourceUrl}/big.mp4`, fileName: "big.mp4" },
    });
    const message = fake.messages.find((m) => m.ts === id)!;
    expect(FakeSlackApi.visible(message)).toContain(`<${sourceUrl}/big.mp4|big.mp4> · 52.4 MB > 1.0 MB`);
    expect(fake.callsOf("files.getUploadURLExternal")).toHaveLength(0);
  });

  it("streams from the fallback URL when the output URL fails", async () => {
    await messenger(1_000_000).post(ref, {
      text: "done",
      video: { url: `${sourceUrl}/broken.mp4`, fallbackUrl: `${sourceUrl}/small.mp4`, fileName: "v.mp4" },
    });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ sha256: sha256(SAMPLE_MP4), completed: { threadTs: "1.1" } });
  });

  it("uploads a 50 MB video with flat memory: bytes pass through, never gathered", async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    // Bytes the source has sent that the upload URL has not received yet: what the bot holds at most
    // (plus the sockets' kernel buffers). Buffering the video would let this reach its whole size.
    let inFlight = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      inFlight = Math.max(inFlight, big.sent - (fake.uploads[0]?.received ?? 0));
    }, 2);
    try {
      await messenger(100_000_000).post(ref, {
        text: "done",
        video: { url: `${sourceUrl}/big.mp4`, fileName: "big.mp4" },
      });
    } finally {
      clearInterval(sampler);
    }
    expect(fake.uploads[0]).toMatchObject({ received: big.size, sha256: big.hash });
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `50 MiB Slack upload: RSS growth ${mib(peak - before)} MiB (peak over start, garbage included); most bytes in flight ${mib(inFlight)} MiB`,
    );
    expect(inFlight).toBeLessThan(16 * 1024 * 1024);
  }, 60_000);
});
