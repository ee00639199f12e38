import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Attachment } from "../src/core/conversation/inbound.js";
import { silentLogger } from "../src/core/logger.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { RedisTranscriptMessenger } from "./helpers/redis-transcript-messenger.js";
import { killHard, spawnWorker, until } from "./helpers/spawn-worker.js";

const redis = useRedisServer();
const FILE_BYTES = 1024 * 1024;
/** The export's final message (texts.ts `export_done`). */
const DONE = "✅ Your video is ready: ";

/** The gateway in this process, workers in child processes (killed at will), the simulator, a file host. */
interface Rig {
  sim: Simulator;
  ref: ConversationRef;
  messenger: RedisTranscriptMessenger;
  /** Every request the file host got, and whether it was told to stall after the first bytes. */
  downloads: { path: string; stalled: boolean }[];
  filesUrl: string;
  say(text: string, attachments?: Attachment[]): Promise<void>;
  transcript(): Promise<string>;
  startWorker(): Promise<ChildProcess>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRig(): Promise<Rig> {
  const sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 3 });
  cleanups.push(() => sim.close());
  // Paths under /stall/ send a quarter of the file, then nothing more (the worker uploading it is killed).
  const downloads: Rig["downloads"] = [];
  const held: ServerResponse[] = [];
  const files = createServer((req, res) => {
    const stalled = (req.url ?? "").startsWith("/stall/") && !downloads.some((d) => d.stalled);
    downloads.push({ path: req.url ?? "", stalled });
    res.writeHead(200, { "content-type": "video/mp4", "content-length": FILE_BYTES });
    if (!stalled) return void res.end(Buffer.alloc(FILE_BYTES, 7));
    res.write(Buffer.alloc(FILE_BYTES / 4, 7));
    held.push(res);
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const res of held) res.destroy();
    files.closeAllConnections();
    await new Promise((resolve) => files.close(resolve));
  });
  const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  const prefix = `cur${randomUUID().slice(0, 6)}`;
  const env = {
    REDIS_URL: redis.url,
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: "https://web.example",
    DOWNLOAD_HOSTS: "127.0.0.1",
    TEST_PREFIX: prefix,
  };
  const transcriptRedis = new Redis(redis.url);
  const messenger = new RedisTranscriptMessenger(transcriptRedis, `transcript:${prefix}`);
  const gateway = await Runtime.create({
    config: loadConfig(env),
    logger: silentLogger(),
    messengers: { console: messenger },
    prefix,
    timings: FAST_TIMINGS,
  });
  cleanups.push(async () => {
    await gateway.close();
    transcriptRedis.disconnect();
  });
  const ref: ConversationRef = { platform: "console", workspace: "local", channel: "crash", thread: prefix };
  return {
    sim,
    ref,
    messenger,
    downloads,
    filesUrl,
    say: (text, attachments = []) =>
      gateway.intake.handle({ id: randomUUID(), ref, user: { id: "u" }, text, attachments }),
    transcript: () => messenger.transcript(ref),
    startWorker: async () => {
      const worker = await spawnWorker(env);
      cleanups.push(() => killHard(worker));
      return worker;
    },
  };
}

const clip = (rig: Rig, path: string, name: string): Attachment => ({
  name,
  size: FILE_BYTES,
  contentType: "video/mp4",
  url: `${rig.filesUrl}${path}`,
  auth: "none",
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, "g"))?.length ?? 0;
const requestsTo = (sim: Simulator, test: (path: string) => boolean) =>
  sim.requests.filter((request) => test(request.path));
const copiesOf = (sim: Simulator, session: string, name: string) =>
  ((sim.state(session) as { video_infos: { filename?: string }[] }).video_infos ?? []).filter(
    (info) => info.filename === name,
  ).length;
const isUpload = (path: string) => path.startsWith("/api/upload-video/");

describe("a worker SIGKILLed mid-upload", () => {
  it("while the backend is still receiving the file (it never got it): sent again, one copy, one Added", async () => {
    const rig = await startRig();
    const first = await rig.startWorker();
    await rig.say("", [clip(rig, "/stall/clip.mp4", "clip.mp4")]);
    const upload = await until(() => requestsTo(rig.sim, isUpload)[0], "the upload to reach the backend");
    await until(() => rig.downloads.some((d) => d.stalled), "the file to be half read");
    await killHard(first);
    expect(copiesOf(rig.sim, upload.sessionId!, "clip.mp4")).toBe(0);

    await rig.startWorker();
    const transcript = await until(async () => {
      const text = await rig.transcript();
      return text.includes("Added clip.mp4") ? text : undefined;
    }, "the upload to be finished by the other worker");
    expect(copiesOf(rig.sim, upload.sessionId!, "clip.mp4")).toBe(1);
    expect(requestsTo(rig.sim, isUpload)).toHaveLength(2);
    expect(count(transcript, /Added clip\.mp4/)).toBe(1);
  }, 60_000);

  it("after the backend stored the file but before its answer came: found in video_infos, not sent again", async () => {
    const rig = await startRig();
    const first = await rig.startWorker();
    rig.sim.inject("upload", { kind: "slow-answer", ms: 60_000 });
    await rig.say("", [clip(rig, "/files/take.mp4", "take.mp4")]);
    const upload = await until(() => requestsTo(rig.sim, isUpload)[0], "the upload to reach the backend");
    await until(
      () => copiesOf(rig.sim, upload.sessionId!, "take.mp4") === 1,
      "the backend to store the file",
    );
    await killHard(first);

    await rig.startWorker();
    const transcript = await until(async () => {
      const text = await rig.transcript();
      return text.includes("Added take.mp4") ? text : undefined;
    }, "the upload to be confirmed by the other worker");
    expect(transcript).toMatch(/Added take\.mp4 — 0:30, 1920×1080/);
    expect(copiesOf(rig.sim, upload.sessionId!, "take.mp4")).toBe(1);
    expect(requestsTo(rig.sim, isUpload)).toHaveLength(1);
    expect(count(transcript, /Added take\.mp4/)).toBe(1);
  }, 60_000);
});

describe("a worker SIGKILLed mid-export", () => {
  const isRenderStart = (path: string) => path === "/api/render/proxy/lambda";
  const isRenderPoll = (path: string) => path.startsWith("/api/render/proxy/lambda/");

  async function rigWithDraft(): Promise<{ rig: Rig; worker: ChildProcess }> {
    const rig = await startRig();
    const worker = await rig.startWorker();
    await rig.say("generate a video of a harbour");
    // The answer (with its buttons) is posted once the generation and its post-production are done.
    await until(async () => (await rig.transcript()).includes("[Export]") || undefined, "a draft");
    return { rig, worker };
  }

  it("between submitting the render and hearing back: one render at the backend, one final message", async () => {
    const { rig, worker } = await rigWithDraft();
    rig.sim.inject("render-start", { kind: "slow-answer", ms: 60_000 });
    await rig.say("export");
    await until(() => requestsTo(rig.sim, isRenderStart)[0], "the render to be submitted");
    await killHard(worker);

    await rig.startWorker();
    const transcript = await until(async () => {
      const text = await rig.transcript();
      return text.includes(DONE) ? text : undefined;
    }, "the export to be finished by the other worker");
    expect(requestsTo(rig.sim, isRenderStart)).toHaveLength(1);
    expect(count(transcript, /✅ Your video is ready: /)).toBe(1);
    expect(transcript).toMatch(/✅ Your video is ready: \S+\/render_\w+\.mp4/);
  }, 60_000);

  it("while polling the render: one render at the backend, one final message", async () => {
    const { rig, worker } = await rigWithDraft();
    rig.sim.inject("render-status", { kind: "slow-answer", ms: 60_000 });
    await rig.say("export");
    await until(() => requestsTo(rig.sim, isRenderPoll)[0], "the render to be polled");
    await killHard(worker);

    await rig.startWorker();
    const transcript = await until(async () => {
      const text = await rig.transcript();
      return text.includes(DONE) ? text : undefined;
    }, "the export to be finished by the other worker");
    expect(requestsTo(rig.sim, isRenderStart)).toHaveLength(1);
    expect(count(transcript, /✅ Your video is ready: /)).toBe(1);
  }, 60_000);
});
