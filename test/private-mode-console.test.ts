import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleMessenger } from "../src/adapters/console/index.js";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import { CONSOLE_USER } from "../src/core/conversation/place.js";
import { text } from "../src/core/conversation/texts.js";
import { silentLogger } from "../src/core/logger.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

/* The console has no private place: with private mode on it says so once per message and answers as usual. */

const redis = useRedisServer();
let sim: Simulator;
let runtime: Runtime;
let printed = "";

beforeAll(async () => {
  sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2 });
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      printed += chunk.toString();
      callback();
    },
  });
  runtime = await Runtime.create({
    config: loadConfig({ NEMO_API_URL: sim.url, NEMO_WEB_URL: "https://web.example", REDIS_URL: redis.url }),
    logger: silentLogger(),
    messengers: { console: new ConsoleMessenger({ output, isTTY: false }) },
    prefix: `pc${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 2 });
});
afterAll(async () => {
  await runtime?.close();
  await sim?.close();
});

describe("private mode in the console", () => {
  it("prints that it has no effect there, and the answer shows as usual", async () => {
    await runtime.services.settings.changeMember("console", CONSOLE_USER, { privateResults: true });
    const ref: ConversationRef = {
      platform: "console",
      workspace: "local",
      channel: "console",
      thread: "main",
    };
    await runtime.intake.handle({
      id: randomUUID(),
      ref,
      user: { id: CONSOLE_USER },
      text: "generate a video of a lighthouse",
      attachments: [],
    });
    await eventually(() => printed.includes("Music and title added"), 10_000, "the answer");
    expect(printed).toContain(text("en", "private_console"));
    expect(printed.indexOf(text("en", "private_console"))).toBeLessThan(printed.indexOf("Music and title"));
  });
});
