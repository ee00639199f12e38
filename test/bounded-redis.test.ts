import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeState } from "../src/core/nemo/normalize.js";
import { JOB_RETENTION } from "../src/jobs/queues.js";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { SentMarker } from "../src/store/sent-marker.js";
import { type BotFixture, startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const THREADS = 20;
const EDITS_PER_THREAD = 12;
const DAY = 24 * 3600;

let bot: BotFixture;
let client: Redis;
const HIGH = "user=100000,channel=100000,workspace=100000,global=100000";
beforeAll(async () => {
  bot = await startBot(redis.url, {
    sim: { credits: 1_000_000 },
    concurrency: { turn: 20, upload: 4, export: 10 },
    // One member sends everything: quotas count (their keys must stay bounded too) but never refuse.
    env: {
      QUOTA_TURNS_PER_HOUR: HIGH,
      QUOTA_GENERATIONS_PER_DAY: HIGH,
      QUOTA_EXPORTS_PER_DAY: HIGH,
      QUOTA_RUNNING_TURNS_PER_USER: "1000",
      QUOTA_QUEUED_PER_THREAD: "0",
    },
  });
  client = new Redis(redis.url);
});
afterAll(async () => {
  await bot?.dispose();
  client?.disconnect();
});

interface KeyInfo {
  key: string;
  kind: string;
  ttl: number;
  bytes: number;
}

/** Every key of the bot's prefix, with its kind, TTL (-1 = none) and memory. */
async function keysOf(prefix: string): Promise<KeyInfo[]> {
  const found: string[] = [];
  const stream = client.scanStream({ match: `{${prefix}}:*`, count: 1000 });
  for await (const batch of stream) found.push(...(batch as string[]));
  const infos: KeyInfo[] = [];
  for (const key of found) {
    const [ttl, bytes] = await Promise.all([client.ttl(key), client.memory("USAGE", key)]);
    if (ttl === -2) continue;
    infos.push({ key, kind: kindOf(prefix, key), ttl, bytes: Number(bytes ?? 0) });
  }
  return infos;
}

const QUEUES = ["turn", "upload", "export", "deliver", "command"];
const QUEUE_STRUCTURE = new Set([
  "meta",
  "id",
  "events",
  "wait",
  "paused",
  "active",
  "delayed",
  "prioritized",
  "pc",
  "marker",
  "completed",
  "failed",
  "stalled",
  "stalled-check",
  "limiter",
]);

/** `conv`, `sent`, …; BullMQ's as `bull:<queue>:<structure>`, `bull:job`, `bull:job-lock`, `bull:job-logs`. */
function kindOf(prefix: string, key: string): string {
  const rest = key.slice(`{${prefix}}:`.length);
  const [first, second, third] = rest.split(":");
  if (first && QUEUES.includes(first) && second !== undefined) {
    if (QUEUE_STRUCTURE.has(second)) return `bull:${first}:${second}`;
    if (third === "lock") return "bull:job-lock";
    if (third === "logs") return "bull:job-logs";
    return "bull:job";
  }
  return first ?? rest;
}

/** The most each kind of key may live (seconds); `null` = no TTL by design (bounded otherwise). */
const BOUND: Record<string, number | null> = {
  conv: KEY_TTL_SECONDS.conversation,
  seen: KEY_TTL_SECONDS.seen,
  inbound: KEY_TTL_SECONDS.inbound,
  sent: KEY_TTL_SECONDS.sentAnswered,
  "upload-files": KEY_TTL_SECONDS.upload,
  retried: KEY_TTL_SECONDS.retried,
  history: KEY_TTL_SECONDS.history,
  exporting: KEY_TTL_SECONDS.exporting,
  work: KEY_TTL_SECONDS.work,
  reply: KEY_TTL_SECONDS.replyAddress,
  renders: null,
  "missing-head": DAY,
  opened: DAY,
  partial: DAY,
  msg: DAY,
  "backend-wait-told": 30 * 60,
  exported: KEY_TTL_SECONDS.exported,
  balance: KEY_TTL_SECONDS.balance,
  account: KEY_TTL_SECONDS.account,
  "low-balance": KEY_TTL_SECONDS.lowBalanceWarned,
  owner: KEY_TTL_SECONDS.owner,
  usage: KEY_TTL_SECONDS.usage,
  rl: DAY,
  settings: KEY_TTL_SECONDS.memberSettings,
  // Quick replies
  quick: KEY_TTL_SECONDS.quickReplies,
  // Variations
  "variation-source": KEY_TTL_SECONDS.variationSource,
  variations: KEY_TTL_SECONDS.variationBatch,
  "private-button": KEY_TTL_SECONDS.privateButton,
  // Continue anywhere
  "move-code": KEY_TTL_SECONDS.moveCode,
  "move-tries": KEY_TTL_SECONDS.moveTries,
  kv: null,
  "bull:job": null,
  "bull:job-logs": null,
  "bull:job-lock": 60,
};

async function usedMemory(): Promise<number> {
  const info = await client.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

function table(infos: KeyInfo[]): string {
  const byKind = new Map<string, { count: number; bytes: number; max: number }>();
  for (const info of infos) {
    const entry = byKind.get(info.kind) ?? { count: 0, bytes: 0, max: 0 };
    entry.count += 1;
    entry.bytes += info.bytes;
    entry.max = Math.max(entry.max, info.bytes);
    byKind.set(info.kind, entry);
  }
  return [...byKind.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([kind, e]) =>
        `  ${kind.padEnd(24)} ${String(e.count).padStart(5)} keys  ${String(e.bytes).padStart(9)} B  avg ${String(Math.round(e.bytes / e.count)).padStart(6)} B  max ${e.max} B`,
    )
    .join("\n");
}

const say = (thread: string, text: string) => bot.say(thread, text);

describe("Redis stays bounded", () => {
  it("a few hundred turns, uploads and exports leave only keys with a bounded TTL, plus documented durable ones", async () => {
    const prefix = bot.prefix;
    const baselineKeys = await keysOf(prefix);
    const baselineMemory = await usedMemory();

    const clip = join(tmpdir(), `bounded-${Date.now()}.mp4`);
    await writeFile(clip, Buffer.alloc(20_000, 3));
    const threads = Array.from({ length: THREADS }, (_, i) => `b${i}`);
    const transcript = (thread: string) => bot.messenger.transcript(bot.ref(thread));
    await Promise.all(
      threads.map(async (thread, i) => {
        await say(thread, `generate a video of harbour number ${i}`);
        for (let n = 0; n < EDITS_PER_THREAD; n++) {
          // One yes/no question per thread (quick replies keep their choices in a record of their own).
          const edit = n === 1 ? "what next?" : `make the title say "Take ${n}"`;
          await say(thread, n % 3 === 0 ? "hello, what can you do?" : edit);
        }
        await bot.attach(thread, [
          {
            name: "clip.mp4",
            size: 20_000,
            contentType: "video/mp4",
            url: pathToFileURL(clip).href,
            auth: "none",
          },
        ]);
        await bot.messenger.waitFor(() => transcript(thread).includes("Added clip.mp4"), 120_000);
        await say(thread, "export");
        await bot.messenger.waitFor(() => transcript(thread).includes("✅ Your video is ready"), 120_000);
      }),
    );
    const turns = THREADS * (1 + EDITS_PER_THREAD);
    const runSse = bot.sim.requests.filter((request) => request.path === "/run_sse").length;
    expect(runSse).toBe(turns);

    // Every turn answered: wait until no thread has work left in its line.
    const lines = async () =>
      (await keysOf(prefix)).filter((info) => info.kind === "line" || info.kind === "parked");
    const deadline = Date.now() + 60_000;
    while ((await lines()).length > 0) {
      if (Date.now() > deadline) throw new Error("lines never emptied");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const after = await keysOf(prefix);
    const afterMemory = await usedMemory();

    // Every key is of a known kind, within its documented bound.
    for (const info of after) {
      if (info.kind.startsWith("bull:") && info.kind.split(":").length === 3) {
        const structure = info.kind.split(":")[2]!;
        if (structure === "events") expect(await client.xlen(info.key)).toBeLessThanOrEqual(300);
        if (structure === "stalled-check") expect(info.ttl).not.toBe(-1);
        continue;
      }
      expect(Object.keys(BOUND), `unexpected key ${info.key}`).toContain(info.kind);
      const bound = BOUND[info.kind];
      if (bound === null) continue;
      expect(info.ttl, `${info.key} has no TTL`).toBeGreaterThan(0);
      expect(info.ttl, `${info.key} lives longer than its bound`).toBeLessThanOrEqual(bound!);
    }
    const count = (kind: string) => after.filter((info) => info.kind === kind).length;
    // Answered prompts are deleted (none of these replies offered Retry); no export lock, line or upload left open.
    expect(count("inbound")).toBe(0);
    expect(count("export")).toBe(0);
    // The client id, the anonymous token, and the marker that older versions' claim tokens are gone.
    expect(count("kv")).toBeLessThanOrEqual(3);
    expect(count("conv")).toBe(THREADS);
    expect(count("upload-files")).toBe(THREADS);
    expect(count("quick")).toBe(THREADS);
    // Answered sent markers keep no baseline: a few dozen bytes of JSON each.
    const sentValues = await Promise.all(
      after.filter((i) => i.kind === "sent").map((i) => client.get(i.key)),
    );
    for (const value of sentValues) expect(value!.length).toBeLessThan(200);
    const jobs = (queue: string) =>
      after.filter((info) => info.kind === "bull:job" && info.key.includes(`:${queue}:`)).length;
    for (const queue of QUEUES)
      expect(jobs(queue)).toBeLessThanOrEqual(2 * JOB_RETENTION.removeOnComplete.count);

    // Time passes (compressed): every key with a TTL of at most a week runs out.
    for (const info of after) {
      if (info.ttl > 0 && info.ttl <= 7 * DAY) await client.pexpire(info.key, 1);
    }
    const expired = async () => (await keysOf(prefix)).filter((i) => i.ttl > 0 && i.ttl <= 7 * DAY).length;
    while ((await expired()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const rest = await keysOf(prefix);
    const restMemory = await usedMemory();
    const jobKeys = rest.filter((info) => info.kind.startsWith("bull:job")).length;

    // A sent marker before its answer: the snapshot it keeps now, and the whole state it used to keep.
    const session = bot.sim.sessions()[0]!;
    const state = normalizeState(bot.sim.state(session));
    const marker = new SentMarker(client, new Keys(`${prefix}-probe`));
    await marker.claim("probe", { sessionId: session, before: state, at: Date.now() });
    const snapshotBytes = Number(await client.memory("USAGE", `{${prefix}-probe}:sent:probe`));
    await client.set(
      `{${prefix}-probe}:whole`,
      JSON.stringify({ sessionId: session, before: state, at: Date.now() }),
    );
    const wholeBytes = Number(await client.memory("USAGE", `{${prefix}-probe}:whole`));
    await client.del(`{${prefix}-probe}:sent:probe`, `{${prefix}-probe}:whole`);

    const conv = after.filter((info) => info.kind === "conv");
    const turnJobs = after.filter((info) => info.kind === "bull:job" && info.key.includes(":turn:"));
    const avg = (infos: KeyInfo[]) =>
      Math.round(infos.reduce((sum, i) => sum + i.bytes, 0) / Math.max(1, infos.length));
    console.log(
      [
        `bounded Redis: ${turns} turns, ${THREADS} uploads, ${THREADS} exports in ${THREADS} threads`,
        `  baseline:            ${baselineKeys.length} keys, used_memory ${baselineMemory} B`,
        `  after the work:      ${after.length} keys, used_memory ${afterMemory} B`,
        table(after),
        `  after TTLs ran out:  ${rest.length} keys (${jobKeys} of them finished BullMQ jobs, removed by age/count), used_memory ${restMemory} B`,
        table(rest),
        `  per conversation record: ~${avg(conv)} B; per finished turn job: ~${avg(turnJobs)} B`,
        `  per sent marker before its answer: ${snapshotBytes} B (the whole state would be ${wholeBytes} B)`,
      ].join("\n"),
    );
    // Back to the baseline, apart from the 30-day conversation records, thread owners, export histories
    // (one capped list per user) and finished exports' references (one small string each), the 8-day usage buckets, the client id/token and the finished jobs
    // BullMQ keeps by age and count.
    const leftover = rest.filter(
      (info) =>
        !["conv", "owner", "usage", "kv", "history", "exported"].includes(info.kind) &&
        !info.kind.startsWith("bull:"),
    );
    expect(leftover.map((info) => info.key)).toEqual([]);
    // What remains of BullMQ is its per-queue structure (a fixed set of keys) and the retained jobs.
    expect(
      rest.filter((info) => info.kind.startsWith("bull:") && !info.kind.startsWith("bull:job")).length,
    ).toBeLessThanOrEqual(QUEUES.length * QUEUE_STRUCTURE.size);
  }, 240_000);
});
