import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStateChange } from "../src/core/nemo/state-diff.js";
import type { NemoState } from "../src/core/nemo/types.js";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { SentMarker } from "../src/store/sent-marker.js";
import { useRedisServer } from "./helpers/redis-server.js";

const server = useRedisServer();
let redis: Redis;
beforeAll(() => {
  redis = new Redis(server.url);
});
afterAll(() => redis.disconnect());

const BEFORE: NemoState = {
  draft: {
    t: [{ tt: 0, sg: [{ s: 0, d: 10_000, m: { name: "harbour", prompt: "p".repeat(4000) } }] }],
  },
  videoInfos: [{ url: `https://cdn.example/${"x".repeat(500)}.mp4`, filename: "harbour.mp4" }],
  canvasConfig: { width: 1920, height: 1080 },
  generatedMedia: [{ type: "video", url: `https://cdn.example/gen/${"y".repeat(500)}.mp4` }],
};

function setup() {
  const keys = new Keys(`sm${randomUUID().slice(0, 8)}`);
  return { keys, marker: new SentMarker(redis, keys), id: randomUUID() };
}

describe("SentMarker", () => {
  it("keeps a snapshot of the state before the message, never the whole state, and diffs the same from it", async () => {
    const { keys, marker, id } = setup();
    expect(await marker.claim(id, { sessionId: "s", before: BEFORE, at: 1 })).toBe(true);
    expect(await marker.claim(id, { sessionId: "s", before: BEFORE, at: 2 })).toBe(false);
    const raw = (await redis.get(keys.sent(id)))!;
    expect(raw).not.toContain("pppp");
    expect(raw).not.toContain("xxxx");
    expect(raw.length).toBeLessThan(JSON.stringify(BEFORE).length / 5);
    const after: NemoState = {
      ...BEFORE,
      draft: { t: [...BEFORE.draft!.t!, { tt: 7, sg: [{ d: 3000, m: { text: "Hi" } }] }] },
    };
    const stored = await marker.read(id);
    expect(describeStateChange(stored!.before, after)).toEqual(describeStateChange(BEFORE, after));
    expect(describeStateChange(stored!.before, after).lines).toEqual(['Added title: "Hi" (0-3s)']);
    const ttl = await redis.ttl(keys.sent(id));
    expect(ttl).toBeGreaterThan(KEY_TTL_SECONDS.sentAnswered);
    expect(ttl).toBeLessThanOrEqual(KEY_TTL_SECONDS.sentInFlight);
  });

  it("once answered: keeps only the flag for a day, and deletes the prompt record", async () => {
    const { keys, marker, id } = setup();
    await redis.set(
      keys.inbound(id),
      JSON.stringify({ text: "make it blue" }),
      "EX",
      KEY_TTL_SECONDS.inbound,
    );
    await marker.claim(id, { sessionId: "s", before: BEFORE, at: 1 });
    await marker.markAnswered(id);
    expect(await marker.read(id)).toEqual({ sessionId: "s", before: null, at: 1, answered: true });
    expect(await redis.ttl(keys.sent(id))).toBeLessThanOrEqual(KEY_TTL_SECONDS.sentAnswered);
    expect(await redis.exists(keys.inbound(id))).toBe(0);
  });

  it("keeps the prompt record while the reply offers Retry, also when nothing was sent", async () => {
    const { keys, marker, id } = setup();
    await redis.set(
      keys.inbound(id),
      JSON.stringify({ text: "make it blue" }),
      "EX",
      KEY_TTL_SECONDS.inbound,
    );
    await marker.markAnswered(id, { retryOffered: true });
    expect(await redis.exists(keys.inbound(id))).toBe(1);
    expect(await redis.exists(keys.sent(id))).toBe(0);
    await marker.markAnswered(id);
    expect(await redis.exists(keys.inbound(id))).toBe(0);
  });

  it("still reads markers written before snapshots (a whole state as baseline)", async () => {
    const { keys, marker, id } = setup();
    await redis.set(keys.sent(id), JSON.stringify({ sessionId: "s", before: BEFORE, at: 1 }));
    const after: NemoState = { ...BEFORE, canvasConfig: { width: 1080, height: 1920 } };
    expect(describeStateChange((await marker.read(id))!.before, after).lines).toEqual([
      "Canvas 1920×1080 → 1080×1920",
    ]);
  });
});
