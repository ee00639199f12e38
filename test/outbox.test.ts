import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDiscordMessenger } from "../src/adapters/discord/index.js";
import { renderDiscordReply } from "../src/adapters/discord/outbound/render-discord.js";
import { slackRef } from "../src/adapters/slack/common/slack-ref.js";
import { createSlackMessenger } from "../src/adapters/slack/index.js";
import { Outbox } from "../src/conversation/outbox.js";
import { ProgressMessage } from "../src/conversation/turn/progress-message.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import type { Reply } from "../src/core/conversation/reply.js";
import { silentLogger } from "../src/core/logger.js";
import { createDeliverProcessor, outboxQueue } from "../src/jobs/deliver-jobs.js";
import { type DeliverJobData, QUEUE } from "../src/jobs/payloads.js";
import { Keys } from "../src/store/keys.js";
import { MessageRecords } from "../src/store/message-records.js";
import { shownText } from "./fakes/discord/components-v2.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { latest } from "./fakes/discord/model.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { runFakeClockUntil } from "./helpers/fake-clock.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redisServer = useRedisServer();
const SLACK_TOKEN = "xoxb-outbox-test";
/** Discord waits out rate limits up to this long here; longer ones go to the outbox. */
const DISCORD_MAX_WAIT_MS = 2_000;

let redis: Redis;
let discord: FakeDiscord;
let slack: FakeSlackApi;
let deliverQueue: Queue<DeliverJobData>;
let worker: Worker<DeliverJobData>;
let workerConnection: Redis;
let outbox: Outbox;
let messengers: ConstructorParameters<typeof Outbox>[0];

beforeAll(async () => {
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = new Keys(`outbox${process.pid}`);
  [discord, slack] = await Promise.all([FakeDiscord.start(), FakeSlackApi.start({ botToken: SLACK_TOKEN })]);
  deliverQueue = new Queue<DeliverJobData>(QUEUE.deliver, { connection: redis, prefix: keys.bull });
  messengers = {
    discord: createDiscordMessenger({
      token: discord.token,
      apiUrl: discord.apiUrl,
      maxRateLimitWaitMs: DISCORD_MAX_WAIT_MS,
      logger: silentLogger(),
    }),
    slack: createSlackMessenger({ botToken: SLACK_TOKEN, apiUrl: slack.apiUrl, logger: silentLogger() }),
  };
  outbox = new Outbox(
    messengers,
    outboxQueue(deliverQueue, { deliverAttempts: 5, deliverBackoffMs: 50 }),
    silentLogger(),
    new MessageRecords(redis, keys),
  );
  workerConnection = redis.duplicate();
  worker = new Worker<DeliverJobData>(QUEUE.deliver, createDeliverProcessor(outbox), {
    connection: workerConnection,
    prefix: keys.bull,
  });
});
afterAll(async () => {
  await worker?.close();
  await deliverQueue?.close();
  await Promise.all([discord?.close(), slack?.close()]);
  workerConnection?.disconnect();
  redis?.disconnect();
});

/** Resolves once the outbox has nothing waiting, delayed or running, and at least `completed` done. */
async function outboxDone(completed: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const counts = await deliverQueue.getJobCounts("waiting", "delayed", "active", "completed", "failed");
      expect(counts).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0 });
      expect(counts.completed).toBeGreaterThanOrEqual(completed);
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** Posts now (the test needs the message to exist); resolves to its id. */
async function posted(ref: ConversationRef, reply: Reply): Promise<string> {
  const id = await outbox.post(ref, reply);
  if (!id) throw new Error("the post was queued, not delivered");
  return id;
}

async function clearOutbox(): Promise<void> {
  await deliverQueue.clean(0, 1_000, "completed");
}

/** Tracks a promise, so the fake clock can run until it settles. */
function settling<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  return { promise: tracked, settled: () => settled };
}

describe("outbox on Discord (real @discordjs/rest against the fake)", () => {
  let ref: ConversationRef;
  const messagesPath = () => new RegExp(`^/channels/${ref.thread}/messages$`);
  const messagePath = (id: string) => new RegExp(`^/channels/${ref.thread}/messages/${id}$`);
  const requests = (method: string, path: RegExp) =>
    discord.requests.filter((request) => request.method === method && path.test(request.path));
  const shown = () => discord.botMessagesIn(ref.thread).map((message) => latest(message).content);

  beforeAll(() => {
    const parent = discord.say(discord.general.id, "thread starter");
    const thread = discord.createThread(discord.general.id, "outbox", parent.id);
    ref = {
      platform: "discord",
      workspace: discord.guild.id,
      channel: discord.general.id,
      thread: thread.id,
    };
  });
  afterEach(async () => {
    vi.useRealTimers();
    await clearOutbox();
  });

  /**
   * Fakes the clock (timers and `Date`: the library's buckets, the pacing and the fake's request times)
   * while sockets run as usual.
   */
  const fakeClock = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });

  const advanceUntil = (done: () => boolean) => runFakeClockUntil(done, "the outbox");

  const threeParts = (tag: string): Reply => ({
    text: Array.from(
      { length: 150 },
      (_, i) => `${tag} line ${i + 1} of a long answer from the backend.`,
    ).join(" "),
    actions: [{ kind: "export", label: "Export" }],
  });

  it("a 3-part reply whose 2nd part fails is completed by the outbox: exactly 3 messages, in order", async () => {
    const reply = threeParts("A");
    const expected = renderDiscordReply(reply).map((part) => shownText("", part.body.components));
    expect(expected).toHaveLength(3);
    const before = shown().length;
    const accepted = () =>
      requests("POST", messagesPath()).filter((request) => request.status === 200).length;
    const acceptedBefore = accepted();
    // The 2nd POST fails with 500 (and @discordjs/rest's own 2 retries of it too).
    discord.failNext("POST", messagesPath(), 500, { after: 1, times: 3 });

    const id = await outbox.post(ref, reply);

    expect(id).toBe(discord.botMessagesIn(ref.thread)[before]!.id);
    await outboxDone(1);
    expect(shown().slice(before)).toEqual(expected);
    expect(accepted() - acceptedBefore).toBe(3);
  });

  it("a delivery that fails again in the outbox resumes after the parts it posted; the job's data is never rewritten", async () => {
    const reply = threeParts("R");
    const expected = renderDiscordReply(reply).map((part) => shownText("", part.body.components));
    const before = shown().length;
    const accepted = () =>
      requests("POST", messagesPath()).filter((request) => request.status === 200).length;
    const acceptedBefore = accepted();
    // POSTs: the 1st part now; the 2nd fails now (3 tries); the outbox posts the 2nd, its 3rd fails (3
    // tries), and the outbox's next attempt posts only the 3rd.
    discord.failNext("POST", messagesPath(), 500, { after: 1, times: 3 });
    discord.failNext("POST", messagesPath(), 500, { after: 5, times: 3 });

    const id = await outbox.post(ref, reply);

    await outboxDone(1);
    expect(shown().slice(before)).toEqual(expected);
    expect(accepted() - acceptedBefore).toBe(3);
    const [job] = await deliverQueue.getCompleted();
    expect(job!.attemptsMade).toBe(2);
    expect(job!.data.partIds).toEqual([id]);
  });

  it("edits every part of a message that grew past one part in place, the second time too", async () => {
    const id = await posted(ref, { progress: "⏳ Working…" });
    const before = shown().length;
    await outbox.editOrPost(ref, id, threeParts("B"));
    expect(shown().length - before).toBe(2);
    await outbox.editOrPost(ref, id, threeParts("C"));
    await outbox.editOrPost(ref, id, threeParts("D"));

    expect(shown().length - before).toBe(2);
    expect(shown().slice(before - 1)).toEqual(
      renderDiscordReply(threeParts("D")).map((part) => shownText("", part.body.components)),
    );
    const tail = discord.botMessagesIn(ref.thread).slice(before);
    expect(tail.map((message) => message.versions.length)).toEqual([3, 3]);
  });

  it("waits out a 429 on an edit (Retry-After honoured by the library): no new message, the final text arrives", async () => {
    const id = await posted(ref, { progress: "⏳ On it…" });
    const before = shown().length;
    discord.rateLimitNext("PATCH", messagePath(id), 1);

    fakeClock();
    const progress = new ProgressMessage(outbox, ref, id, 1_000);
    const finishing = settling(progress.finish({ text: "final after 429" }));
    await advanceUntil(finishing.settled);
    expect(await finishing.promise).toBe(id);

    expect(shown().length).toBe(before);
    expect(latest(discord.messages.get(id)!).content).toBe("final after 429");
    expect(requests("PATCH", messagePath(id)).map((request) => request.status)).toEqual([429, 200]);
    // Sent again only once the (fake) clock had passed Discord's Retry-After.
    const [limited, edited] = requests("PATCH", messagePath(id));
    expect(edited!.at - limited!.at).toBeGreaterThanOrEqual(1_000);
  });

  it("queues an edit rate-limited longer than the bound as an edit, after Retry-After: never a new message", async () => {
    const id = await posted(ref, { progress: "⏳ On it…" });
    const before = shown().length;
    discord.rateLimitNext("PATCH", messagePath(id), 3);

    expect(await outbox.editOrPost(ref, id, { text: "final after a long limit" })).toBe(id);
    // Queued to run once Discord's Retry-After has passed, not before.
    const [queued] = await deliverQueue.getDelayed();
    expect(queued?.opts.delay).toBeGreaterThanOrEqual(3_000);
    await outboxDone(1);

    expect(shown().length).toBe(before);
    expect(latest(discord.messages.get(id)!).content).toBe("final after a long limit");
    expect(requests("PATCH", messagePath(id)).map((request) => request.status)).toEqual([429, 200]);
  });

  it("never lets a queued edit overwrite newer content", async () => {
    const id = await posted(ref, { progress: "⏳ On it…" });
    discord.rateLimitNext("PATCH", messagePath(id), 3);
    await outbox.editOrPost(ref, id, { progress: "older" });
    expect(await deliverQueue.getDelayedCount()).toBe(1);
    // Still inside the limit: queued too, after the older edit.
    await outbox.editOrPost(ref, id, { text: "newer" });
    await outboxDone(2);
    // The older edit never reached Discord.
    expect(latest(discord.messages.get(id)!).content).toBe("newer");
    expect(requests("PATCH", messagePath(id)).map((request) => request.status)).toEqual([429, 200]);
  });

  it("a progress message posted in its turn writes its final content without reading its record, until an edit of it was queued", async () => {
    // The same records as the outbox's worker (the queued edit's revision is read there).
    const records = new MessageRecords(redis, new Keys(`outbox${process.pid}`));
    const read = vi.spyOn(records, "read");
    const local = new Outbox(
      messengers,
      outboxQueue(deliverQueue, { deliverAttempts: 5, deliverBackoffMs: 50 }),
      silentLogger(),
      records,
    );
    const id = await posted(ref, { progress: "⏳ On it…" });
    // Posted beside the turn (a post under way when the progress message began).
    const progress = new ProgressMessage(local, ref, Promise.resolve(id), 0);
    discord.rateLimitNext("PATCH", messagePath(id), 3);
    await progress.finish({ text: "first final" });
    expect(read).not.toHaveBeenCalled();
    expect(await deliverQueue.getDelayedCount()).toBe(1);
    // An edit of it waits in the outbox now: the next final content reads the record (and raises it).
    await progress.finish({ text: "second final" });
    expect(read).toHaveBeenCalledTimes(1);
    await outboxDone(1);
    expect(latest(discord.messages.get(id)!).content).toBe("second final");
  });

  it("paces edits of one message at least the throttle apart, the final one too, and coalesces progress", async () => {
    const id = await posted(ref, { progress: "⏳ step 0" });
    fakeClock();
    const progress = new ProgressMessage(outbox, ref, id, 1_000);
    for (let step = 1; step <= 5; step++) progress.update({ progress: `⏳ step ${step}` });
    await advanceUntil(() => requests("PATCH", messagePath(id)).some((request) => request.status === 200));
    for (let step = 6; step <= 9; step++) progress.update({ progress: `⏳ step ${step}` });
    const finishing = settling(progress.finish({ text: "paced final" }));
    await advanceUntil(finishing.settled);
    await finishing.promise;

    const edits = requests("PATCH", messagePath(id));
    expect(edits.map((edit) => shownText("", (edit.body as { components: unknown[] }).components))).toEqual([
      "⏳ step 5",
      "paced final",
    ]);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it("posts the content anew only when the message can never be edited again (deleted)", async () => {
    const id = await posted(ref, { progress: "⏳ On it…" });
    discord.messages.get(id)!.deleted = true;
    const next = await outbox.editOrPost(ref, id, { text: "answer after the delete" });
    expect(next).not.toBe(id);
    expect(latest(discord.messages.get(next!)!).content).toBe("answer after the delete");
  });
});

describe("outbox on Slack (real @slack/web-api against the fake; its clock compressed)", () => {
  const ref = slackRef("T1", "C9", "1700000000.000900");
  const calls = (method: string) => slack.callsOf(method).length;

  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs the fake clock on a second at a time until `done`; resolves to the fake seconds that passed. */
  const fastForward = async (done: () => boolean, what: string) =>
    (await runFakeClockUntil(done, what, 1_000)) / 1_000;

  it("waits out Retry-After: 30 on chat.postMessage and chat.update: one message, the final text arrives", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const posts = calls("chat.postMessage");
    slack.rateLimit("chat.postMessage", 30);
    const posting = settling(outbox.post(ref, { progress: "⏳ On it…" }));
    const postWait = await fastForward(() => calls("chat.postMessage") === posts + 2, "post again");
    await fastForward(posting.settled, "the post's answer");
    const id = await posting.promise;
    if (!id) throw new Error("the post was queued, not delivered");

    const updates = calls("chat.update");
    slack.rateLimit("chat.update", 30);
    const progress = new ProgressMessage(outbox, ref, id, 1_000);
    const finishing = settling(progress.finish({ text: "final answer after two rate limits" }));
    const updateWait = await fastForward(() => calls("chat.update") === updates + 2, "update again");
    await fastForward(finishing.settled, "the update's answer");
    expect(await finishing.promise).toBe(id);

    // Each call was sent again only once Slack's 30 s had passed, and only once.
    expect(postWait).toBeGreaterThanOrEqual(29);
    expect(updateWait).toBeGreaterThanOrEqual(29);
    expect(calls("chat.postMessage")).toBe(posts + 2);
    expect(calls("chat.update")).toBe(updates + 2);
    const thread = slack.thread(ref.channel, "1700000000.000900");
    expect(thread).toHaveLength(1);
    expect(thread[0]!.text).toBe("final answer after two rate limits");
    expect(await deliverQueue.getJobCounts("waiting", "delayed", "active")).toMatchObject({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
  });
});
