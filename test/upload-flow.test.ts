import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let files: Server;
let filesUrl: string;
let bot: BotFixture | undefined;
const downloads: { path: string; authorization?: string }[] = [];

beforeAll(async () => {
  files = createServer((req, res) => {
    downloads.push({
      path: req.url ?? "",
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    res.writeHead(200, { "content-type": "video/mp4" });
    res.end(Buffer.alloc(64 * 1024, 1));
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  const address = files.address();
  filesUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => files.close(resolve));
});
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const uploads = (fixture: BotFixture) =>
  fixture.sim.requests.filter((request) => request.path.startsWith("/api/upload-video"));

describe("uploads", () => {
  it("streams a local file from the console and confirms what was added", async () => {
    bot = await startBot(redis.url);
    const path = join(tmpdir(), `clip-${Date.now()}.mp4`);
    await writeFile(path, Buffer.alloc(10_000, 2));
    await bot.attach("u", [
      {
        name: "clip.mp4",
        size: 10_000,
        contentType: "video/mp4",
        url: pathToFileURL(path).href,
        auth: "none",
      },
    ]);
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("u")).includes("Added clip.mp4"));
    expect(bot.messenger.transcript(bot.ref("u"))).toMatch(/Added clip\.mp4 — 0:30, 1920×1080/);
    expect(uploads(bot)[0]!.headers["content-type"]).toMatch(/^multipart\/form-data/);
  });

  it("streams a platform file with the bot token from an allowed host, then runs the caption as a message", async () => {
    bot = await startBot(redis.url, {
      platform: "slack",
      env: { DOWNLOAD_HOSTS: "127.0.0.1", SLACK_BOT_TOKEN: "xoxb-test-secret" },
    });
    await bot.attach(
      "s",
      [
        {
          name: "take2.mov",
          size: 65_536,
          contentType: "video/quicktime",
          url: `${filesUrl}/private/take2.mov`,
          auth: "bot-token",
        },
      ],
      "use this as the intro",
    );
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("s")).includes('"use this as the intro"'),
    );
    expect(bot.messenger.transcript(bot.ref("s"))).toContain("Added take2.mov");
    expect(downloads.at(-1)).toEqual({
      path: "/private/take2.mov",
      authorization: "Bearer xoxb-test-secret",
    });
    expect(bot.messenger.transcript(bot.ref("s"))).not.toContain("xoxb");
  });

  it("refuses unsupported and oversized files before any backend call", async () => {
    bot = await startBot(redis.url, { env: { NEMO_MAX_UPLOAD_MB: "1" } });
    await bot.attach("r", [
      { name: "notes.txt", size: 10, url: `${filesUrl}/notes.txt`, auth: "none" },
      {
        name: "huge.mp4",
        size: 5 * 1024 * 1024,
        contentType: "video/mp4",
        url: `${filesUrl}/huge.mp4`,
        auth: "none",
      },
    ]);
    await bot.messenger.waitFor(() => /trim|compress/i.test(bot!.messenger.transcript(bot!.ref("r"))));
    const transcript = bot.messenger.transcript(bot.ref("r"));
    expect(transcript).toMatch(/mp4/);
    expect(transcript).toMatch(/trim|compress/i);
    expect(uploads(bot)).toHaveLength(0);
  });

  it("never fetches from a host outside the allowlist", async () => {
    bot = await startBot(redis.url);
    const before = downloads.length;
    await bot.attach("h", [
      { name: "x.mp4", size: 10, contentType: "video/mp4", url: `${filesUrl}/x.mp4`, auth: "none" },
    ]);
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("h")).some((reply) => reply.tone === "error"),
    );
    expect(downloads.length).toBe(before);
    expect(uploads(bot)).toHaveLength(0);
  });
});
