import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { QuickReplyRecords } from "../src/store/quick-reply-records.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let client: Redis;
let keys: Keys;
let records: QuickReplyRecords;

beforeAll(() => {
  client = new Redis(redis.url);
  keys = new Keys(`qr${Date.now()}`);
  records = new QuickReplyRecords(client, keys);
});
afterAll(() => {
  client?.disconnect();
});

const choices = [
  { label: "Cinematic", text: "Cinematic" },
  { label: "Anime", text: "Anime" },
];

describe("quick reply records", () => {
  it("keeps the choices for a day and takes one choice once: the first click wins, its own retry goes on", async () => {
    await records.keep("qone", {
      refKey: "console:local:c:t1",
      lang: "en",
      choices,
      reply: { text: "Which?" },
    });
    await records.settled("qone", "m1", 1_700_000_000_000);
    expect(await records.read("qone")).toMatchObject({
      refKey: "console:local:c:t1",
      choices,
      messageId: "m1",
      settledAt: 1_700_000_000_000,
    });
    expect(await client.ttl(keys.quickReplies("qone"))).toBeGreaterThan(KEY_TTL_SECONDS.quickReplies - 5);

    const bob = { userId: "bob", index: 1, inboundId: "click-1" };
    const alice = { userId: "alice", index: 0, inboundId: "click-2" };
    const [first, second] = await Promise.all([records.take("qone", bob), records.take("qone", alice)]);
    // Whichever landed first holds it, and both calls agree on who.
    expect(first).toEqual(second);
    expect(await records.take("qone", first)).toEqual(first);
    expect((await records.read("qone"))?.taken).toEqual(first);

    // A turn run again keeps its choices again: the choice taken stays taken.
    await records.keep("qone", { refKey: "console:local:c:t1", lang: "en", choices });
    expect((await records.read("qone"))?.taken).toEqual(first);
  });

  it("a click on an expired record leaves no key without a TTL", async () => {
    await records.take("qgone", { userId: "bob", index: 0, inboundId: "click-3" });
    expect(await records.read("qgone")).toBeUndefined();
    expect(await client.ttl(keys.quickReplies("qgone"))).toBeGreaterThan(0);
  });
});
