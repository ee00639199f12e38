import { randomUUID } from "node:crypto";
import { PassThrough, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleMessenger, createConsoleAdapter } from "../src/adapters/console/index.js";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let sim: Simulator;
let runtime: Runtime;
let written = "";
const input = new PassThrough();

beforeAll(async () => {
  sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, credits: 5_000 });
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  const messenger = new ConsoleMessenger({ output, isTTY: false });
  runtime = await Runtime.create({
    config: loadConfig({ NEMO_API_URL: sim.url, NEMO_WEB_URL: "https://web.example", REDIS_URL: redis.url }),
    logger: silentLogger(),
    messengers: { console: messenger },
    prefix: `c${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 4 });
  const adapter = createConsoleAdapter({
    input,
    output,
    handler: runtime.intake,
    messenger,
    locale: "en-US",
    isTTY: false,
  });
  void adapter.start();
});
afterAll(async () => {
  input.end();
  await runtime?.close();
  await sim?.close();
});

/** The number the console shows for the newest choice labelled `label`. */
function choice(label: string): string {
  const all = [...written.matchAll(/\[(\d+)\] ([^[\n]+)/g)].filter((m) => m[2]!.trim() === label);
  return all.at(-1)![1]!;
}

describe("Variations in the console (terminal chat, runtime, simulator, Redis)", () => {
  it("🎲 by number → one confirmation → Start → 3 videos in a numbered list → Continue with #2", async () => {
    const prompt = "generate a video of paper boats on a river";
    input.write(`${prompt}\n`);
    await eventually(() => written.includes("🎲 Variations"), 15_000, "🎲 choice");
    input.write(`${choice("🎲 Variations")}\n`);
    await eventually(() => written.includes("Start variations"), 10_000, "confirmation");
    expect(written).toMatch(/Make 3 variations .* about 300 credits/);
    input.write(`${choice("✅ Start variations")}\n`);
    await eventually(() => written.includes("Continue with #3"), 20_000, "gallery");
    const gallery = written.slice(written.lastIndexOf("🎲 3 variations"));
    const lines = gallery.match(/🎬 #\d http:\/\/\S+/g) ?? [];
    expect(lines).toHaveLength(3);
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);

    input.write(`${choice("Continue with #2")}\n`);
    await eventually(() => written.includes("Continuing with variation 2"), 10_000, "chosen");
    const second = sim.requests.find((r) => r.message === prompt && lines[1]!.includes(r.sessionId ?? "?"))!;
    input.write("make the title red\n");
    await eventually(() => sim.requests.some((r) => r.message === "make the title red"), 10_000, "edit sent");
    expect(sim.requests.find((r) => r.message === "make the title red")!.sessionId).toBe(second.sessionId);

    // Another 🎲, then Cancel: nothing starts, and its Start then starts nothing either.
    const sessions = sim.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent")).length;
    const asked = written.split("✅ Start variations").length;
    input.write(`${choice("🎲 Variations")}\n`);
    await eventually(() => written.split("✅ Start variations").length > asked, 10_000, "second question");
    input.write(`${choice("Cancel")}\n`);
    await eventually(() => written.includes("Variations cancelled"), 10_000, "cancelled");
    input.write(`${choice("✅ Start variations")}\n`);
    await eventually(() => written.includes("already started or cancelled"), 10_000, "Start after Cancel");
    expect(sim.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent"))).toHaveLength(sessions);
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);

    // The backend fails one of the new sessions: nothing is sent, Start works again, once.
    sim.inject("create-session", { kind: "status", status: 503 }, 1);
    const questions = written.split("✅ Start variations").length;
    input.write(`${choice("🎲 Variations")}\n`);
    await eventually(() => written.split("✅ Start variations").length > questions, 10_000, "third question");
    const errors = written.split("✘").length;
    input.write(`${choice("✅ Start variations")}\n`);
    await eventually(() => written.split("✘").length > errors, 10_000, "the failure told");
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);
    input.write(`${choice("✅ Start variations")}\n`);
    await eventually(() => written.split("🎲 3 variations").length === 3, 20_000, "second gallery");
    const sends = sim.requests.filter((r) => r.message === prompt);
    expect(sends).toHaveLength(7);
    expect(new Set(sends.map((r) => r.sessionId)).size).toBe(7);
    if (process.env.SHOW_TRANSCRIPT) console.log(written);
  });
});
