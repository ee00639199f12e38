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

/** The console chat on the whole runtime (Redis, workers, simulator), typed into line by line. */
async function startConsole(locale: string) {
  let written = "";
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  });
  const input = new PassThrough();
  const messenger = new ConsoleMessenger({ output, isTTY: false });
  const runtime = await Runtime.create({
    config: loadConfig({ NEMO_API_URL: sim.url, NEMO_WEB_URL: "https://web.example", REDIS_URL: redis.url }),
    logger: silentLogger(),
    messengers: { console: messenger },
    prefix: `qc${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 4 });
  const adapter = createConsoleAdapter({
    input,
    output,
    handler: runtime.intake,
    messenger,
    locale,
    userName: "ada",
    isTTY: false,
  });
  const done = adapter.start();
  return {
    output: () => written,
    type: (line: string) => input.write(`${line}\n`),
    /** The number shown in brackets before `label` (the last time it was shown). */
    numberOf: (label: string) =>
      [...written.matchAll(/\[(\d+)\] ([^\s[]+)/g)].filter((m) => m[2] === label).at(-1)?.[1],
    close: async () => {
      input.end();
      await done;
      await runtime.close();
    },
  };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2 });
});
afterAll(async () => {
  await sim?.close();
});

const sent = (text: string) => sim.requests.filter((r) => r.path === "/run_sse" && r.message === text).length;

describe("quick replies in the console chat (runtime, Redis, simulator)", () => {
  it("shows the choices numbered; typing the number sends exactly that choice once; typing it again sends nothing", async () => {
    const chat = await startConsole("en-US");
    try {
      chat.type("make a video about my cat in any style");
      await eventually(() => chat.numberOf("Anime") !== undefined, 10_000, "choices");
      expect(chat.output()).toMatch(
        /Which style would you like\?[\s\S]*➡️ \[\d+\] Cinematic {2}\[\d+\] Anime {2}\[\d+\] Documentary/,
      );
      const anime = chat.numberOf("Anime")!;
      chat.type(anime);
      await eventually(() => chat.output().includes("Music and title added"), 10_000, "generated");
      expect(sent("Anime")).toBe(1);
      await eventually(() => chat.output().includes("➡️ ada answered: Anime"), 5_000, "edited answer");
      // The edited answer has no choices any more: its numbers name nothing now.
      chat.type(anime);
      await eventually(() => chat.output().includes(`No choice [${anime}]`), 5_000, "refusal");
      expect(sent("Anime")).toBe(1);
    } finally {
      await chat.close();
    }
  });

  it("Chinese yes/no: 是 / 否, and 是 adds the music", async () => {
    const chat = await startConsole("zh-CN");
    try {
      chat.type("接下来呢？");
      await eventually(() => chat.numberOf("是") !== undefined, 10_000, "choices");
      expect(chat.output()).toContain("要加背景音乐吗？（是/否）");
      chat.type(chat.numberOf("是")!);
      await eventually(() => chat.output().includes("➡️ ada 回答：是"), 10_000, "edited answer");
      await eventually(() => sent("是") === 1, 10_000, "sent");
      await eventually(() => chat.output().includes("已添加欢快的背景音乐"), 10_000, "music");
    } finally {
      await chat.close();
    }
  });
});
