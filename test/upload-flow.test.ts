import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { text } from "../src/core/conversation/texts.js";
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
    if (req.url?.startsWith("/big/")) {
      // 2 MB in chunks and without a Content-Length: only the streamed count can catch it.
      res.writeHead(200, { "content-type": "video/mp4" });
      for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024, 1));
      res.end();
      return;
    }
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

  it("streams a file from an http host in DOWNLOAD_HOSTS without the bot token, then runs the caption", async () => {
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
          url: `${filesUrl}/public/take2.mov`,
          auth: "none",
        },
      ],
      "use this as the intro",
    );
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("s")).includes('"use this as the intro"'),
    );
    expect(bot.messenger.transcript(bot.ref("s"))).toContain("Added take2.mov");
    // What the file host received: the request, and no Authorization header with it.
    expect(downloads.at(-1)).toEqual({ path: "/public/take2.mov" });
  });

  it("never sends the bot token over http, not even to a host in DOWNLOAD_HOSTS: refused, nothing fetched", async () => {
    bot = await startBot(redis.url, {
      platform: "slack",
      env: { DOWNLOAD_HOSTS: "127.0.0.1", SLACK_BOT_TOKEN: "xoxb-test-secret" },
    });
    const before = downloads.length;
    await bot.attach("t", [
      {
        name: "take3.mov",
        size: 65_536,
        contentType: "video/quicktime",
        url: `${filesUrl}/private/take3.mov`,
        auth: "bot-token",
      },
    ]);
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("t")).some((reply) => reply.tone === "error"),
    );
    const transcript = bot.messenger.transcript(bot.ref("t"));
    expect(transcript).toContain(text("en", "error_download_refused"));
    expect(transcript).not.toMatch(/try again/i);
    expect(transcript).not.toContain("xoxb");
    expect(downloads.length).toBe(before);
    expect(uploads(bot)).toHaveLength(0);
  });

  it("stops a download that goes past NEMO_MAX_UPLOAD_MB when no size was declared", async () => {
    bot = await startBot(redis.url, { env: { DOWNLOAD_HOSTS: "127.0.0.1", NEMO_MAX_UPLOAD_MB: "1" } });
    await bot.attach("b", [
      {
        name: "big.mp4",
        contentType: "video/mp4",
        url: `${filesUrl}/big/big.mp4`,
        auth: "none",
      },
    ]);
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("b")).some((reply) => reply.tone === "error"),
    );
    const transcript = bot.messenger.transcript(bot.ref("b"));
    expect(transcript).toContain(text("en", "error_file_too_large_limit", { maxMb: 1 }));
    expect(transcript).not.toContain("Added");
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
    // It can never work, so the user is told why instead of being asked to try again.
    const transcript = bot.messenger.transcript(bot.ref("h"));
    expect(transcript).toContain(text("en", "error_download_refused"));
    expect(transcript).not.toMatch(/try again/i);
  });
});
