import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_MP4 } from "../src/simulator/index.js";
import { galleryUrls } from "./fakes/discord/components-v2.js";
import { latest } from "./fakes/discord/model.js";
import { discordThreadMessenger } from "./fakes/discord/thread-messenger.js";

const MB = 1024 * 1024;
const BIG = 50 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

/** A loopback file host: the sample MP4, a 50 MB video generated while it is sent, and a failing URL. */
let host: Server;
let hostUrl = "";
let bigSha = "";

beforeAll(async () => {
  const hash = createHash("sha256");
  for (let sent = 0; sent < BIG; sent += CHUNK.length) hash.update(CHUNK);
  bigSha = hash.digest("hex");
  host = createServer((req, res) => {
    if (req.url === "/small.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": SAMPLE_MP4.length });
      res.end(SAMPLE_MP4);
    } else if (req.url === "/big.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": BIG });
      let sent = 0;
      const pump = () => {
        while (sent < BIG) {
          sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  const address = host.address();
  hostUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  host.closeAllConnections();
  await new Promise((resolve) => host.close(resolve));
});

const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("Discord video delivery (streamed attachment or link)", () => {
  it("attaches a video that fits the place's limit, so it plays inline; bytes equal the source", async () => {
    const { fake, ref, messenger } = await discordThreadMessenger({});
    try {
      const progressId = await messenger.post(ref, { progress: "⏳ Exporting" });
      await messenger.edit(ref, progressId, {
        text: "✅ Ready",
        video: { url: `${hostUrl}/small.mp4`, fileName: "render_small.mp4" },
        actions: [{ kind: "export", label: "Export" }],
      });
      const message = fake.messages.get(progressId)!;
      expect(message.uploads).toEqual([
        { filename: "render_small.mp4", size: SAMPLE_MP4.length, sha256: sha(SAMPLE_MP4) },
      ]);
      expect(galleryUrls(latest(message).components)).toEqual(["attachment://render_small.mp4"]);
      expect(latest(message).content).toContain(`▶️ ${hostUrl}/small.mp4 · `);
      const upload = fake.requests.find(
        (r) => r.method === "PATCH" && r.status === 200 && r.path.endsWith(progressId),
      );
      expect(upload?.auth).toBe("bot");
    } finally {
      await fake.close();
    }
  });

  it("falls back to the download URL when the output URL fails", async () => {
    const { fake, ref, messenger } = await discordThreadMessenger({});
    try {
      const id = await messenger.post(ref, {
        text: "✅ Ready",
        video: { url: `${hostUrl}/gone.mp4`, fallbackUrl: `${hostUrl}/small.mp4`, fileName: "render_f.mp4" },
      });
      expect(fake.messages.get(id)!.uploads.map((file) => file.sha256)).toEqual([sha(SAMPLE_MP4)]);
    } finally {
      await fake.close();
    }
  });

  it("links a video larger than the place's reported attachment_size_limit, with its size", async () => {
    const { fake, ref, messenger } = await discordThreadMessenger({ attachmentSizeLimit: 1_000 });
    try {
      const id = await messenger.post(ref, {
        text: "✅ Ready",
        video: { url: `${hostUrl}/small.mp4`, fileName: "render_l.mp4" },
      });
      const message = fake.messages.get(id)!;
      expect(message.uploads).toEqual([]);
      expect(galleryUrls(latest(message).components)).toEqual([`${hostUrl}/small.mp4`]);
      expect(latest(message).content).toContain(
        `▶️ ${hostUrl}/small.mp4 · ${Math.round(SAMPLE_MP4.length / 1024)} KB`,
      );
      expect(fake.requests.some((r) => r.path === `/guilds/${fake.guild.id}`)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it("streams a 50 MB video into a boosted server without holding it in memory", async () => {
    const { fake, ref, messenger } = await discordThreadMessenger({ premiumTier: 3 });
    try {
      // Collect garbage while sampling, so the figures are what is held (chunks already sent are garbage).
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      gc();
      const before = process.memoryUsage().rss;
      let peak = before;
      let peakBuffers = 0;
      const sampler = setInterval(() => {
        gc();
        const usage = process.memoryUsage();
        peak = Math.max(peak, usage.rss);
        peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
      }, 20);
      const id = await messenger.post(ref, {
        text: "✅ Ready",
        video: { url: `${hostUrl}/big.mp4`, fileName: "render_big.mp4" },
      });
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const growthMb = (peak - before) / MB;
      console.log(
        `discord 50 MB video: RSS growth ${growthMb.toFixed(1)} MB (before ${(before / MB).toFixed(0)} MB), ` +
          `peak Buffer memory ${(peakBuffers / MB).toFixed(1)} MB`,
      );
      expect(fake.messages.get(id)!.uploads).toEqual([
        { filename: "render_big.mp4", size: BIG, sha256: bigSha },
      ]);
      // Generous bounds: holding the video whole would add at least 50 MB of Buffers.
      expect(peakBuffers / MB).toBeLessThan(25);
      expect(growthMb).toBeLessThan(80);
    } finally {
      await fake.close();
    }
  });
});
