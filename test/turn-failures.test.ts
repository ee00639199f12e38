import { afterEach, describe, expect, it } from "vitest";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import type { Fault } from "../src/simulator/types.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { replyText } from "./helpers/recording-messenger.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { TcpGate } from "./helpers/tcp-gate.js";

// The failure classes of /run_sse, end to end: real Redis, the simulator, the whole job path.
const redis = useRedisServer();
let bot: BotFixture | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const sentMessages = (sim: Simulator, sessionId?: string) =>
  sim.requests
    .filter((request) => request.path === "/run_sse" && (!sessionId || request.sessionId === sessionId))
    .map((request) => request.message);

async function sessionOf(fixture: BotFixture, thread: string): Promise<string> {
  const record = await fixture.runtime.services.sessions.find(fixture.ref(thread));
  if (!record) throw new Error(`no session for ${thread}`);
  return record.sessionId;
}

const answered = (fixture: BotFixture, thread: string, said: string) => () =>
  fixture.messenger.thread(fixture.ref(thread)).some((reply) => reply.text?.includes(`"${said}"`));

/** Messages of a thread that ever showed `pattern` (in any version). */
const everShown = (fixture: BotFixture, thread: string, pattern: RegExp) =>
  fixture.messenger.messages.filter(
    (message) =>
      message.thread === refKey(fixture.ref(thread)) &&
      message.versions.some((version) => pattern.test(replyText(version))),
  ).length;

describe("/run_sse refused with an HTTP error before any stream byte", () => {
  const cases: { name: string; fault: Fault; status: number; env?: Record<string, string> }[] = [
    {
      name: "a proxy's HTML 502",
      fault: { kind: "status", status: 502, html: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
      status: 502,
    },
    {
      name: "a JSON 503",
      fault: { kind: "status", status: 503, body: { error: "Service Unavailable" } },
      status: 503,
    },
    {
      // 30 s of nothing in production; compressed: a 1 s wait under a 5 s headers timeout.
      name: "a 504 after a wait",
      fault: { kind: "status", status: 504, delayMs: 1_000 },
      status: 504,
      env: { NEMO_STREAM_HEADERS_TIMEOUT_MS: "5000" },
    },
  ];
  for (const { name, fault, status, env } of cases) {
    it(`${name}: the user reads the status (no page), Retry; the thread answers the next message; nothing sent twice`, async () => {
      bot = await startBot(redis.url, env ? { env } : {});
      bot.sim.inject("run_sse", fault);
      await bot.say("T", "first message");
      const refusal = new RegExp(`HTTP ${status}\\).*not processed`);
      await bot.messenger.waitFor(
        () => refusal.test(bot!.messenger.transcript(bot!.ref("T"))),
        15_000,
        "the refusal text",
      );
      const transcript = bot.messenger.transcript(bot.ref("T"));
      expect(transcript).not.toMatch(/<html|Bad Gateway|Service Unavailable|connection dropped/i);
      expect(transcript).toContain("[Retry]");

      await bot.say("T", "second message");
      await bot.messenger.waitFor(answered(bot, "T", "second message"), 15_000, "the next answer");
      expect(sentMessages(bot.sim, await sessionOf(bot, "T"))).toEqual(["first message", "second message"]);
      expect(bot.sim.runSseCount(await sessionOf(bot, "T"))).toBe(1);
    }, 30_000);
  }
});

describe("NemoVideo unreachable", () => {
  it("an outage: queued turns of two threads wait, are sent once and in order when it is back; each thread told once", async () => {
    const sim = await startSimulator({ generationMs: 50, editMs: 5 });
    const gate = await TcpGate.start(sim.url);
    cleanups.push(
      () => gate.shut(),
      () => sim.close(),
    );
    bot = await startBot(redis.url, {
      simulator: sim,
      env: { NEMO_API_URL: gate.url, NEMO_BREAKER_THRESHOLD: "3", NEMO_BREAKER_COOLDOWN_MS: "300" },
    });
    const fixture = bot;
    await gate.shut();
    for (const text of ["a1", "a2"]) await fixture.say("A", text);
    for (const text of ["b1", "b2"]) await fixture.say("B", text);
    const told = /unreachable; your message is queued/;
    await fixture.messenger.waitFor(
      () => everShown(fixture, "A", told) === 1 && everShown(fixture, "B", told) === 1,
      15_000,
      "both threads told",
    );
    // The circuit opens; the turns go on waiting with backoff (several rounds) without telling again.
    const breaker = fixture.runtime.services.breaker;
    await eventually(() => breaker.isOpen(), 10_000, "the circuit to open");
    let waits = 0;
    await eventually(
      () => {
        void breaker.waitsTotal.get().then((metric) => {
          waits = metric.values[0]?.value ?? 0;
        });
        return waits >= 8;
      },
      15_000,
      "several waiting rounds",
    );
    await gate.open();

    for (const [thread, text] of [
      ["A", "a1"],
      ["A", "a2"],
      ["B", "b1"],
      ["B", "b2"],
    ] as const) {
      await fixture.messenger.waitFor(answered(fixture, thread, text), 20_000, `the answer to ${text}`);
    }
    expect(sentMessages(sim, await sessionOf(fixture, "A"))).toEqual(["a1", "a2"]);
    expect(sentMessages(sim, await sessionOf(fixture, "B"))).toEqual(["b1", "b2"]);
    expect(everShown(fixture, "A", told)).toBe(1);
    expect(everShown(fixture, "B", told)).toBe(1);
    expect(breaker.isOpen()).toBe(false);
  }, 60_000);

  it("waits at most the configured time, then fails clearly with Retry", async () => {
    const sim = await startSimulator();
    const gate = await TcpGate.start(sim.url);
    cleanups.push(
      () => gate.shut(),
      () => sim.close(),
    );
    bot = await startBot(redis.url, {
      simulator: sim,
      env: { NEMO_API_URL: gate.url },
      timings: { backendMaxWaitMs: 800 },
    });
    const fixture = bot;
    await gate.shut();
    await fixture.say("T", "hello there");
    await fixture.messenger.waitFor(
      () => /unreachable for \d+ min.*\n?.*\[Retry\]/s.test(fixture.messenger.transcript(fixture.ref("T"))),
      15_000,
      "the give-up text",
    );
    expect(sentMessages(sim)).toEqual([]);
  }, 30_000);
});
