import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackMessenger } from "../src/adapters/slack/outbound/slack-messenger.js";
import { loadConfig } from "../src/config/config.js";
import { mediaUrlPolicy } from "../src/config/media-hosts.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import { mediaUrlRefusal, openMediaUrl } from "../src/core/media-url.js";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { captureLogs } from "./fakes/discord/log-capture.js";
import { discordThreadMessenger } from "./fakes/discord/thread-messenger.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { BOT_TOKEN } from "./fakes/slack/slack-bot-fixture.js";

/**
 * Two loopback "hosts" told apart by name: the backend's (`127.0.0.1`) and a foreign one (`localhost`),
 * both served by one server. `/video.mp4` is the MP4; `/hop` redirects within the backend's host;
 * `/away` redirects to the foreign host; every request is recorded with the name it was addressed to.
 */
let server: Server;
let port = 0;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.headers.host?.split(":")[0]} ${req.url}`);
    if (req.url === "/video.mp4") {
      res
        .writeHead(200, { "content-type": "video/mp4", "content-length": SAMPLE_MP4.length })
        .end(SAMPLE_MP4);
    } else if (req.url === "/hop") {
      res.writeHead(302, { location: "/video.mp4" }).end();
    } else if (req.url === "/away") {
      res.writeHead(302, { location: `http://localhost:${port}/video.mp4` }).end();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const TIMEOUTS = { headersTimeout: 5_000, bodyTimeout: 5_000, maxRedirects: 3 };

describe("where finished videos may be fetched from", () => {
  it("derives the backend's sites from NEMO_API_URL / NEMO_WEB_URL, plus NEMO_MEDIA_HOSTS", () => {
    const policy = mediaUrlPolicy(loadConfig({ NEMO_MEDIA_HOSTS: "cdn.example-storage.com" }));
    expect(policy.hosts).toEqual(["nemovideo.ai", "nemovideo.com", "cdn.example-storage.com"]);
    expect(mediaUrlRefusal("https://mega-api-prod.nemovideo.ai/api/render/proxy/r1/download", policy)).toBe(
      undefined,
    );
    expect(mediaUrlRefusal("https://files.nemovideo.com/out/r1.mp4", policy)).toBe(undefined);
    expect(mediaUrlRefusal("https://eu.cdn.example-storage.com/r1.mp4", policy)).toBe(undefined);
    expect(mediaUrlRefusal("https://nemovideo.ai.attacker.example/r1.mp4", policy)).toBe("host");
    expect(mediaUrlRefusal("https://169.254.169.254/latest/meta-data", policy)).toBe("host");
    expect(mediaUrlRefusal("http://files.nemovideo.com/out/r1.mp4", policy)).toBe("scheme");
    expect(mediaUrlRefusal("file:///etc/passwd", policy)).toBe("scheme");
    expect(mediaUrlRefusal("not a url", policy)).toBe("not-a-url");
    // Loopback (the simulator, tests) may be plain http; elsewhere only with NEMO_ALLOW_INSECURE_HTTP.
    expect(mediaUrlRefusal("http://127.0.0.1:8787/files/r.mp4", { hosts: ["127.0.0.1"] })).toBe(undefined);
    const insecure = mediaUrlPolicy(
      loadConfig({ NEMO_API_URL: "http://simulator:8787", NEMO_ALLOW_INSECURE_HTTP: "true" }),
    );
    expect(mediaUrlRefusal("http://simulator:8787/files/r.mp4", insecure)).toBe(undefined);
  });

  it("follows a redirect within the allowed hosts, and refuses one to another host before connecting", async () => {
    const policy = { hosts: ["127.0.0.1"] };
    const hop = await openMediaUrl(`http://127.0.0.1:${port}/hop`, policy, TIMEOUTS);
    expect(hop.statusCode).toBe(200);
    hop.body.resume();
    await new Promise((resolve) => hop.body.once("end", resolve));
    seen.length = 0;
    await expect(openMediaUrl(`http://127.0.0.1:${port}/away`, policy, TIMEOUTS)).rejects.toMatchObject({
      code: "MEDIA_URL_REFUSED",
      reason: "host",
      host: `localhost:${port}`,
      redirected: true,
    });
    expect(seen).toEqual(["127.0.0.1 /away"]);
    await expect(openMediaUrl(`http://localhost:${port}/video.mp4`, policy, TIMEOUTS)).rejects.toMatchObject({
      reason: "host",
    });
    expect(seen).toEqual(["127.0.0.1 /away"]);
  });

  it("Discord: a refused output URL is not fetched; the fallback on the backend's host is attached, and it is logged", async () => {
    const logs = captureLogs();
    const { fake, ref, messenger } = await discordThreadMessenger(
      {},
      { logger: logs.logger, media: { hosts: ["127.0.0.1"] } },
    );
    try {
      seen.length = 0;
      const linked = await messenger.post(ref, {
        text: "✅ Ready",
        video: { url: `http://127.0.0.1:${port}/away`, fileName: "render_a.mp4" },
      });
      expect(fake.messages.get(linked)!.uploads).toEqual([]);
      expect(seen).toEqual(["127.0.0.1 /away"]);
      const attached = await messenger.post(ref, {
        text: "✅ Ready",
        video: {
          url: `http://localhost:${port}/video.mp4`,
          fallbackUrl: `http://127.0.0.1:${port}/hop`,
          fileName: "render_b.mp4",
        },
      });
      expect(fake.messages.get(attached)!.uploads.map((file) => file.size)).toEqual([SAMPLE_MP4.length]);
      expect(seen).not.toContain("localhost /video.mp4");
      expect(logs.text()).toMatch(/video-url-refused/);
      expect(logs.text()).not.toContain("/away");
    } finally {
      await fake.close();
    }
  });

  it("Slack: a redirect off the backend's hosts is not followed; the message links the video instead", async () => {
    const fake = await FakeSlackApi.start({ botToken: BOT_TOKEN });
    const logs = captureLogs();
    try {
      const messenger = createSlackMessenger({
        botToken: BOT_TOKEN,
        apiUrl: fake.apiUrl,
        logger: logs.logger,
        media: { hosts: ["127.0.0.1"] },
      });
      const ref: ConversationRef = { platform: "slack", workspace: "T0FAKE", channel: "C1", thread: "1.1" };
      seen.length = 0;
      const id = await messenger.post(ref, {
        text: "done",
        video: { url: `http://127.0.0.1:${port}/away`, fileName: "v.mp4" },
      });
      expect(seen).toEqual(["127.0.0.1 /away"]);
      expect(fake.callsOf("files.getUploadURLExternal")).toHaveLength(0);
      expect(FakeSlackApi.visible(fake.messages.find((m) => m.ts === id)!)).toContain("v.mp4");
      expect(logs.find("video-url-refused")).toEqual([
        expect.objectContaining({ reason: "host", host: `localhost:${port}`, fallback: false }),
      ]);
      // Within the hosts, a redirect is followed and the video uploaded.
      await messenger.post(ref, {
        text: "done",
        video: { url: `http://127.0.0.1:${port}/hop`, fileName: "w.mp4" },
      });
      expect(fake.uploads.map((upload) => upload.length)).toEqual([SAMPLE_MP4.length]);
    } finally {
      await fake.close();
    }
  });
});
