import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { startConsoleChat } from "./helpers/console-chat.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/** The console chat, with the number shown in brackets before a label (the last time it was shown). */
async function startConsole(locale: string) {
  const chat = await startConsoleChat({ simUrl: sim.url, redisUrl: redis.url, locale, userName: "ada" });
  return {
    ...chat,
    numberOf: (label: string) =>
      [...chat.output().matchAll(/\[(\d+)\] ([^\s[]+)/g)].filter((m) => m[2] === label).at(-1)?.[1],
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
