import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type ConsoleChat, startConsoleChat } from "./helpers/console-chat.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let sim: Simulator;
let chat: ConsoleChat;

beforeAll(async () => {
  sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, credits: 5_000 });
  chat = await startConsoleChat({ simUrl: sim.url, redisUrl: redis.url, locale: "en-US" });
});
afterAll(async () => {
  await chat?.close();
  await sim?.close();
});

/** The number the console shows for the newest choice labelled `label`. */
function choice(label: string): string {
  const all = [...chat.output().matchAll(/\[(\d+)\] ([^[\n]+)/g)].filter((m) => m[2]!.trim() === label);
  return all.at(-1)![1]!;
}

describe("Variations in the console (terminal chat, runtime, simulator, Redis)", () => {
  it("🎲 by number → one confirmation → Start → 3 videos in a numbered list → Continue with #2", async () => {
    const prompt = "generate a video of paper boats on a river";
    chat.type(prompt);
    await eventually(() => chat.output().includes("🎲 Variations"), 15_000, "🎲 choice");
    chat.type(choice("🎲 Variations"));
    await eventually(() => chat.output().includes("Start variations"), 10_000, "confirmation");
    expect(chat.output()).toMatch(/Make 3 variations .* about 300 credits/);
    chat.type(choice("✅ Start variations"));
    await eventually(() => chat.output().includes("Continue with #3"), 20_000, "gallery");
    const gallery = chat.output().slice(chat.output().lastIndexOf("🎲 3 variations"));
    const lines = gallery.match(/🎬 #\d http:\/\/\S+/g) ?? [];
    expect(lines).toHaveLength(3);
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);

    chat.type(choice("Continue with #2"));
    await eventually(() => chat.output().includes("Continuing with variation 2"), 10_000, "chosen");
    const second = sim.requests.find((r) => r.message === prompt && lines[1]!.includes(r.sessionId ?? "?"))!;
    chat.type("make the title red");
    await eventually(() => sim.requests.some((r) => r.message === "make the title red"), 10_000, "edit sent");
    expect(sim.requests.find((r) => r.message === "make the title red")!.sessionId).toBe(second.sessionId);

    // Another 🎲, then Cancel: nothing starts, and its Start then starts nothing either.
    const sessions = sim.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent")).length;
    const asked = chat.output().split("✅ Start variations").length;
    chat.type(choice("🎲 Variations"));
    await eventually(
      () => chat.output().split("✅ Start variations").length > asked,
      10_000,
      "second question",
    );
    chat.type(choice("Cancel"));
    await eventually(() => chat.output().includes("Variations cancelled"), 10_000, "cancelled");
    chat.type(choice("✅ Start variations"));
    await eventually(
      () => chat.output().includes("already started or cancelled"),
      10_000,
      "Start after Cancel",
    );
    expect(sim.requests.filter((r) => r.path.endsWith("/with-session/nemo_agent"))).toHaveLength(sessions);
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);

    // The backend fails one of the new sessions: nothing is sent, Start works again, once.
    sim.inject("create-session", { kind: "status", status: 503 }, 1);
    const questions = chat.output().split("✅ Start variations").length;
    chat.type(choice("🎲 Variations"));
    await eventually(
      () => chat.output().split("✅ Start variations").length > questions,
      10_000,
      "third question",
    );
    const errors = chat.output().split("✘").length;
    chat.type(choice("✅ Start variations"));
    await eventually(() => chat.output().split("✘").length > errors, 10_000, "the failure told");
    expect(sim.requests.filter((r) => r.message === prompt)).toHaveLength(4);
    chat.type(choice("✅ Start variations"));
    await eventually(() => chat.output().split("🎲 3 variations").length === 3, 20_000, "second gallery");
    const sends = sim.requests.filter((r) => r.message === prompt);
    expect(sends).toHaveLength(7);
    expect(new Set(sends.map((r) => r.sessionId)).size).toBe(7);
    if (process.env.SHOW_TRANSCRIPT) console.log(chat.output());
  });
});
