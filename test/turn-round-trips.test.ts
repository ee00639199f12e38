import { afterEach, describe, expect, it } from "vitest";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let bot: BotFixture | undefined;

afterEach(async () => {
  await bot?.dispose();
  bot = undefined;
});

const CREATE_SESSION = "/api/tasks/me/with-session/nemo_agent";
const isState = (path: string) => /^\/api\/state\//.test(path);

describe("what a turn waits for before /run_sse", () => {
  it("the acknowledgement is posted beside the session's creation, not before it", async () => {
    bot = await startBot(redis.url);
    const fixture = bot;
    // The acknowledgement's post is held until the backend has been asked for the session: a turn that
    // waited for its acknowledgement before creating the session would never get there.
    const post = fixture.messenger.post.bind(fixture.messenger);
    let held = 0;
    fixture.messenger.post = async (ref: ConversationRef, reply: Reply) => {
      if (reply.progress !== undefined && held++ === 0) {
        await eventually(
          () => fixture.sim.requests.some((r) => r.path === CREATE_SESSION),
          15_000,
          "the session's creation while the acknowledgement is held",
        );
      }
      return post(ref, reply);
    };
    await fixture.say("A", "hello");
    await fixture.messenger.waitFor(() =>
      fixture.messenger.transcript(fixture.ref("A")).includes("You said"),
    );
    expect(held).toBeGreaterThan(0);
    // The answer replaced the acknowledgement (the one message of the thread, edited).
    expect(fixture.messenger.thread(fixture.ref("A"))).toHaveLength(1);
  });

  it("a new project's first message reads no state before /run_sse, the balance is read once and reused; a later message reads the state", async () => {
    bot = await startBot(redis.url, { env: { CREDITS_GUARD_THRESHOLD: "50" } });
    const fixture = bot;
    await fixture.say("A", "hello");
    await fixture.messenger.waitFor(() =>
      fixture.messenger.transcript(fixture.ref("A")).includes("You said"),
    );
    const firstRunSse = fixture.sim.requests.findIndex((r) => r.path === "/run_sse");
    const beforeFirst = fixture.sim.requests.slice(0, firstRunSse).map((r) => r.path);
    expect(beforeFirst.filter(isState)).toEqual([]);
    expect(beforeFirst.filter((path) => path === CREATE_SESSION)).toHaveLength(1);
    // The balance was read once (the credits guard); a second message in another thread reuses it.
    const balanceReads = () => fixture.sim.requests.filter((r) => r.path.includes("/credits/")).length;
    const balances = balanceReads();
    await fixture.say("B", "hello", { user: { id: "u2" } });
    await fixture.messenger.waitFor(() =>
      fixture.messenger.transcript(fixture.ref("B")).includes("You said"),
    );
    expect(balanceReads()).toBe(balances);
    // The thread's second message compares with the state before it: one state read before its send.
    const sent = () => fixture.sim.requests.filter((r) => r.path === "/run_sse").length;
    const runs = sent();
    const states = fixture.sim.requests.filter((r) => isState(r.path)).length;
    await fixture.say("A", "one more");
    await fixture.messenger.waitFor(() => sent() > runs);
    const secondRunSse = fixture.sim.requests.findLastIndex((r) => r.path === "/run_sse");
    const before = fixture.sim.requests.slice(0, secondRunSse).filter((r) => isState(r.path)).length;
    expect(before - states).toBe(1);
  });
});
