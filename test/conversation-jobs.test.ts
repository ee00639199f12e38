import { afterEach, describe, expect, it } from "vitest";
import { refKey } from "../src/core/conversation/conversation-ref.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { replyText } from "./helpers/recording-messenger.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;
afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const sentMessages = (fixture: BotFixture, sessionId: string) =>
  fixture.sim.requests
    .filter((request) => request.path === "/run_sse" && request.sessionId === sessionId)
    .map((request) => request.message);

async function sessionOf(fixture: BotFixture, thread: string): Promise<string> {
  const record = await fixture.runtime.services.sessions.find(fixture.ref(thread));
  if (!record) throw new Error(`no session for ${thread}`);
  return record.sessionId;
}

describe("ordering", () => {
  it("runs one thread's messages one at a time in arrival order, and threads in parallel", async () => {
    bot = await startBot(redis.url, { sim: { latencyMs: 40 } });
    const { messenger } = bot;
    const a = ["a1", "a2", "a3", "a4", "a5"];
    const b = ["b1", "b2"];
    await Promise.all([...a.map((text) => bot!.say("A", text)), ...b.map((text) => bot!.say("B", text))]);
    const answered = (thread: string, count: number) => () =>
      messenger.thread(bot!.ref(thread)).filter((reply) => reply.text?.startsWith("You said")).length ===
      count;
    await messenger.waitFor(answered("A", 5), 20_000, "thread A answers");
    await messenger.waitFor(answered("B", 2), 20_000, "thread B answers");

    expect(sentMessages(bot, await sessionOf(bot, "A"))).toEqual(a);
    expect(sentMessages(bot, await sessionOf(bot, "B"))).toEqual(b);
    const firstAcks = messenger.messages
      .filter((message) => message.thread === refKey(bot!.ref("A")))
      .map((m) => replyText(m.versions[0]!));
    expect(firstAcks[2]).toMatch(/2 messages ahead/);
    // Each answer replaced its own acknowledgement, in order.
    const answers = messenger.thread(bot.ref("A")).map((reply) => reply.text);
    expect(answers).toEqual(a.map((text) => expect.stringContaining(`"${text}"`)));
    // B did not wait for all of A.
    const sse = bot.sim.requests.filter((request) => request.path === "/run_sse");
    const lastA = Math.max(
      ...sse.filter((request) => request.message?.startsWith("a")).map((request) => request.at),
    );
    const firstB = Math.min(
      ...sse.filter((request) => request.message?.startsWith("b")).map((request) => request.at),
    );
    expect(firstB).toBeLessThan(lastA);
  });

  it("processes a re-delivered event once", async () => {
    bot = await startBot(redis.url);
    const first = await bot.say("D", "hello once");
    await bot.runtime.intake.handle(first);
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("D")).includes("You said"));
    expect(sentMessages(bot, await sessionOf(bot, "D"))).toEqual(["hello once"]);
  });

  it("cancels a queued message and never sends it", async () => {
    bot = await startBot(redis.url, { sim: { latencyMs: 150 } });
    await bot.say("C", "first");
    const second = await bot.say("C", "second");
    await bot.click("C", "cancel", second.id);
    await bot.say("C", "third");
    await bot.messenger.waitFor(
      () =>
        bot!.messenger.thread(bot!.ref("C")).filter((reply) => reply.text?.startsWith("You said")).length ===
        2,
    );
    expect(sentMessages(bot, await sessionOf(bot, "C"))).toEqual(["first", "third"]);
    expect(bot.messenger.transcript(bot.ref("C"))).toMatch(/Cancelled/i);
  });
});

describe("cancel while a message runs", () => {
  it("says the running message cannot be stopped, withdraws what waits behind it, and the result still arrives", async () => {
    bot = await startBot(redis.url, { sim: { generationMs: 1_500 } });
    await bot.say("R", "generate a video of a lighthouse");
    await eventually(
      () => bot!.sim.requests.some((request) => request.message === "generate a video of a lighthouse"),
      10_000,
      "the stream to start",
    );
    await bot.say("R", "make it blue");
    await bot.say("R", "cancel");
    await bot.messenger.waitFor(() =>
      /can't stop a message it is already working on/.test(bot!.messenger.transcript(bot!.ref("R"))),
    );
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("R")).includes("Music and title added"),
    );
    expect(sentMessages(bot, await sessionOf(bot, "R"))).toEqual(["generate a video of a lighthouse"]);
    expect(bot.messenger.transcript(bot.ref("R"))).toMatch(/Cancelled your queued message/);
    expect(bot.messenger.transcript(bot.ref("R"))).not.toMatch(/no queued message to cancel/i);
  });
});

describe("errors as the user sees them", () => {
  it("1001: an expired token is replaced silently", async () => {
    bot = await startBot(redis.url);
    await bot.say("T", "hello");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("T")).includes("You said"));
    bot.sim.expireTokens();
    await bot.say("T", "again");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("T")).includes('"again"'));
    expect(bot.sim.requests.filter((request) => request.path === "/api/auth/anonymous-token")).toHaveLength(
      2,
    );
  });

  it("1002: a lost session is replaced, the thread remapped and the user told", async () => {
    bot = await startBot(redis.url);
    await bot.say("S", "hello");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("S")).includes("You said"));
    const old = await sessionOf(bot, "S");
    bot.sim.dropSession(old);
    await bot.say("S", "still there?");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("S")).includes('"still there?"'));
    expect(await sessionOf(bot, "S")).not.toBe(old);
    expect(bot.messenger.transcript(bot.ref("S"))).toMatch(/new project/i);
  });

  it("2001: out of credits tells members to ask the operator (no bind link) and offers Retry", async () => {
    // The credits guard off, so the message reaches the backend and its 2001 is what the thread hears.
    bot = await startBot(redis.url, { env: { CREDITS_GUARD_THRESHOLD: "0" } });
    bot.sim.setCredits(0);
    await bot.say("O", "generate a video of a lighthouse");
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("O")).some((reply) => reply.tone === "error"),
    );
    const reply = bot.messenger.thread(bot.ref("O")).find((candidate) => candidate.tone === "error")!;
    expect(reply.text).toMatch(/ask the bot.s operator/i);
    expect(reply.links ?? []).toEqual([]);
    expect(JSON.stringify(bot.messenger.messages)).not.toMatch(/bind|register/i);
    expect(reply.actions?.map((action) => action.kind)).toContain("retry");
    // After topping up, Retry sends the same message (the refused one was never taken).
    bot.sim.setCredits(100);
    await bot.click("O", "retry", reply.actions!.find((action) => action.kind === "retry")!.arg);
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("O")).includes("Music and title added"),
    );
  });

  it("429: waits and retries once; when still limited, says so with Retry", async () => {
    bot = await startBot(redis.url);
    bot.sim.inject("run_sse", { kind: "status", status: 429 });
    await bot.say("R", "hello");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("R")).includes("You said"));
    bot.sim.inject("run_sse", { kind: "status", status: 429 }, 2);
    await bot.say("R", "again");
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("R")).some((reply) => reply.tone === "error"),
    );
    const reply = bot.messenger.thread(bot.ref("R")).find((candidate) => candidate.tone === "error")!;
    expect(reply.text).toMatch(/busy|rate|moment|too many/i);
    expect(reply.actions?.map((action) => action.kind)).toContain("retry");
  });
});

describe("outbox and capacity", () => {
  it("retries a failing messenger without a second stream", async () => {
    bot = await startBot(redis.url);
    bot.messenger.failNext(3);
    await bot.say("F", "hello through an outage");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("F")).includes("You said"), 20_000);
    expect(sentMessages(bot, await sessionOf(bot, "F"))).toEqual(["hello through an outage"]);
  });

  it("lets a turn complete while 50 renders wait, with worker concurrency 1", async () => {
    bot = await startBot(redis.url, {
      sim: { renderSteps: 100_000, generationMs: 1, editMs: 1, credits: 10_000 },
      concurrency: { turn: 1, export: 1, upload: 1, deliver: 1 },
      timings: { exportPollMs: 200 },
      // One member exports 50 times in one channel: beyond the default daily export quotas.
      env: { QUOTA_EXPORTS_PER_DAY: "user=0,channel=0,workspace=0,global=0" },
    });
    const threads = Array.from({ length: 50 }, (_, index) => `r${index}`);
    for (const thread of threads) {
      const record = await bot.runtime.services.sessions.ensure(bot.ref(thread), "en");
      // Drafts made directly on the backend, so only the renders occupy the bot's queues.
      for await (const _ of bot.runtime.services.client.sendMessage(
        { platform: "console" },
        record.sessionId,
        "generate a clip",
      )) {
      }
    }
    for (const thread of threads) await bot.click(thread, "export");
    await bot.messenger.waitFor(
      () => threads.every((thread) => bot!.messenger.transcript(bot!.ref(thread)).includes("%")),
      20_000,
      "50 renders polling",
    );
    await bot.say("X", "are you still answering?");
    await bot.messenger.waitFor(
      () => bot!.messenger.transcript(bot!.ref("X")).includes("You said"),
      20_000,
      "turn answer",
    );
  });
});

describe("progress, recovery and exports", () => {
  it("shows tool labels and 'still working' while a long generation runs", async () => {
    bot = await startBot(redis.url, {
      sim: { generationMs: 600, heartbeatIntervalMs: 20 },
      timings: { stillWorkingMs: 150 },
    });
    await bot.say("P", "generate a video of the sea");
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("P")).includes("Music and title added"),
    );
    const ack = bot.messenger.messages.find((message) => message.thread === refKey(bot!.ref("P")))!;
    const shown = ack.versions.map(replyText).join("\n");
    expect(shown).toMatch(/Generating video — usually 2–5 min/);
    expect(shown).toMatch(/Still working/i);
  });

  it("recovers a heartbeat-only stream from the state and offers Retry when nothing changed", async () => {
    bot = await startBot(redis.url, {
      sim: { heartbeatIntervalMs: 10 },
      timings: { heartbeatTimeoutMs: 200 },
    });
    bot.sim.inject("run_sse", { kind: "heartbeats-only" });
    await bot.say("H", "make it warmer");
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("H")).some((reply) => reply.actions?.some((a) => a.kind === "retry")),
    );
    expect(bot.messenger.transcript(bot.ref("H"))).toMatch(/Nothing changed/i);
    expect(bot.sim.requests.filter((request) => request.path === "/run_sse")).toHaveLength(1);
  });

  it("reports what a dropped stream's message changed, without sending it again", async () => {
    bot = await startBot(redis.url);
    bot.sim.inject("run_sse", { kind: "disconnect", afterEvents: 1 });
    await bot.say("D2", "generate a video of a desert");
    await bot.messenger.waitFor(() => /kept working/i.test(bot!.messenger.transcript(bot!.ref("D2"))));
    expect(bot.messenger.transcript(bot.ref("D2"))).toMatch(/•/);
    expect(bot.sim.requests.filter((request) => request.path === "/run_sse")).toHaveLength(1);
  });

  it("joins a second export request to the running one, and cancels it at the backend", async () => {
    bot = await startBot(redis.url, { sim: { renderSteps: 100_000 }, timings: { exportPollMs: 50 } });
    await bot.say("E", "generate a video of a forest");
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("E")).includes("Music and title added"),
    );
    await bot.say("E", "export");
    await bot.messenger.waitFor(() => /Exporting… .*\d+%/.test(bot!.messenger.transcript(bot!.ref("E"))));
    await bot.say("E", "export please");
    await bot.messenger.waitFor(() => /already running/i.test(bot!.messenger.transcript(bot!.ref("E"))));
    expect(bot.sim.requests.filter((request) => request.path === "/api/render/proxy/lambda")).toHaveLength(1);
    const cancel = bot.messenger
      .thread(bot.ref("E"))
      .flatMap((reply) => reply.actions ?? [])
      .find((a) => a.kind === "cancel")!;
    await bot.click("E", "cancel", cancel.arg);
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("E")).includes("Export cancelled"));
    expect(bot.sim.requests.some((request) => request.path.endsWith("/cancel"))).toBe(true);
  });

  it("tells the user to generate first when there is nothing to export, and /new starts over", async () => {
    bot = await startBot(redis.url);
    await bot.say("N", "hello");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("N")).includes("You said"));
    await bot.say("N", "export");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("N")).includes("nothing to export"));
    const before = await sessionOf(bot, "N");
    await bot.click("N", "new");
    await bot.messenger.waitFor(() => /fresh project/i.test(bot!.messenger.transcript(bot!.ref("N"))));
    expect(await sessionOf(bot, "N")).not.toBe(before);
  });
});

describe("never twice, even around failures", () => {
  it("sends a Retry once, however often it is clicked", async () => {
    bot = await startBot(redis.url, { env: { CREDITS_GUARD_THRESHOLD: "0" } }); // the backend's own 2001

    bot.sim.setCredits(0);
    await bot.say("RT", "generate a video of a kite");
    await bot.messenger.waitFor(() =>
      bot!.messenger.thread(bot!.ref("RT")).some((reply) => reply.tone === "error"),
    );
    const retry = bot.messenger
      .thread(bot.ref("RT"))
      .flatMap((reply) => reply.actions ?? [])
      .find((action) => action.kind === "retry")!;
    bot.sim.setCredits(100);
    await Promise.all([bot.click("RT", "retry", retry.arg), bot.click("RT", "retry", retry.arg)]);
    await bot.click("RT", "retry", retry.arg);
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("RT")).includes("Music and title added"),
    );
    expect(bot.messenger.transcript(bot.ref("RT"))).toMatch(/already sent again/);
    const sends = bot.sim.requests.filter((request) => request.path === "/run_sse");
    expect(sends).toHaveLength(2);
  });

  it("recovers instead of offering Retry when the state cannot be read after a silent answer", async () => {
    bot = await startBot(redis.url, { sim: { silentEdits: true, editMs: 300 } });
    await bot.say("SR", "generate a video of a bridge");
    await bot.messenger.waitFor(() =>
      bot!.messenger.transcript(bot!.ref("SR")).includes("Music and title added"),
    );
    await bot.say("SR", 'add a title "Golden"');
    await eventually(
      () => bot!.sim.requests.filter((request) => request.path === "/run_sse").length >= 2,
      5_000,
      "the edit's stream",
    );
    bot.sim.inject("state", { kind: "status", status: 503 }, 4);
    await bot.messenger.waitFor(() => /Golden/.test(bot!.messenger.transcript(bot!.ref("SR"))), 15_000);
    const replies = bot.messenger.thread(bot.ref("SR"));
    expect(replies.flatMap((reply) => reply.actions ?? []).some((action) => action.kind === "retry")).toBe(
      false,
    );
    expect(bot.sim.requests.filter((request) => request.path === "/run_sse")).toHaveLength(2);
  });

  it("unblocks a thread whose line head has no job behind it", async () => {
    bot = await startBot(redis.url, { timings: { lineRecheckMs: 300 } });
    const key = refKey(bot.ref("OR"));
    await bot.runtime.services.line.join(key, { queue: "turn", jobId: "turn-orphan" });
    await bot.say("OR", "hello after an orphan");
    await bot.messenger.waitFor(() => bot!.messenger.transcript(bot!.ref("OR")).includes("You said"), 15_000);
  });
});
