import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Keys } from "../src/store/keys.js";
import { CREDIT_ESTIMATE, Usage } from "../src/store/usage.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
let connection: Redis;

beforeAll(() => {
  connection = new Redis(redis.url);
});
afterAll(() => {
  connection.disconnect();
});

const ref = { platform: "slack", workspace: "T1", channel: "C1", thread: "1.0" } as const;
const HOUR = 3_600_000;

describe("usage (hourly buckets in Redis, a clock the test controls)", () => {
  it("counting one thing is two HINCRBY; the place's first count of the hour also sets both hashes' EXPIRE", async () => {
    const keys = new Keys(`u${randomUUID().slice(0, 8)}`);
    const usage = new Usage(connection, keys, () => Date.UTC(2026, 10, 20, 12));
    const monitor = await new Redis(redis.url).monitor();
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((arg) => arg.startsWith(keys.bull))) seen.push(`${args[0]} ${args[1]}`);
    });
    try {
      await usage.record(ref, "U1", "turns");
      await usage.record(ref, "U2", "turns");
      await usage.record(ref, "U1", "generations");
      await vi.waitFor(() => expect(seen).toHaveLength(10));
      const hour = Math.floor(Date.UTC(2026, 10, 20, 12) / HOUR);
      const key = `${keys.bull}:usage:w:slack:T1:${hour}`;
      const all = `${keys.bull}:usage:w:*:${hour}`;
      const counted = [`hincrby ${key}`, `hincrby ${all}`];
      const expired = [`expire ${key}`, `expire ${all}`];
      // A new member of the place counts without EXPIRE; a kind new to the place sets them again.
      expect(seen).toEqual([...counted, ...expired, ...counted, ...counted, ...expired]);
    } finally {
      monitor.disconnect();
    }
  });

  it("reads hashes written by earlier versions (a total per kind; a generation also counted as a turn) alike", async () => {
    const now = Date.UTC(2026, 10, 20, 12);
    const keys = new Keys(`u${randomUUID().slice(0, 8)}`);
    const usage = new Usage(connection, keys, () => now);
    const hour = Math.floor(now / HOUR);
    // Earlier: three turns, one of them a generation (U1's).
    await connection.hset(`${keys.bull}:usage:w:slack:T1:${hour}`, {
      turns: 3,
      generations: 1,
      "turns|U1": 2,
      "turns|U2": 1,
      "generations|U1": 1,
    });
    await connection.hset(`${keys.bull}:usage:w:*:${hour}`, {
      "turns|slack:T1": 3,
      "generations|slack:T1": 1,
    });
    await usage.record(ref, "U1", "turns");
    await usage.record(ref, "U1", "generations");
    expect(await usage.ofPlace(ref, [24]).then(([span]) => span!)).toMatchObject({
      turns: 5,
      generations: 2,
    });
    expect(await usage.ofUser(ref, "U1", [24]).then(([span]) => span!)).toEqual({
      turns: 4,
      generations: 2,
      exports: 0,
    });
    expect(await usage.ofAll([24]).then(([span]) => span!)).toMatchObject({ turns: 5, generations: 2 });
  });

  it("reports a member's 24 h and 7 days, and a place's totals, estimate and most active members", async () => {
    let now = Date.UTC(2026, 10, 20, 12);
    const keys = new Keys(`u${randomUUID().slice(0, 8)}`);
    const usage = new Usage(connection, keys, () => now);
    // A turn that generated is counted once, as a generation (a turn too).
    await usage.record(ref, "U1", "generations");
    now += 2 * 24 * HOUR;
    await usage.record(ref, "U1", "turns");
    await usage.record(ref, "U2", "turns");
    await usage.record(ref, "U2", "turns");
    await usage.record(ref, "U2", "turns");
    await usage.record(ref, "U2", "exports");

    // One read of the week: the day is its newest 24 hours.
    const [day, ownWeek] = await usage.ofUser(ref, "U1", [24, 168]);
    expect(day).toEqual({ turns: 1, generations: 0, exports: 0 });
    expect(ownWeek).toEqual({ turns: 2, generations: 1, exports: 0 });
    const week = await usage.ofPlace(ref, [168]).then(([span]) => span!);
    expect(week).toMatchObject({ turns: 5, generations: 1, exports: 1 });
    expect(week.credits).toBe(CREDIT_ESTIMATE.generation + 4 * CREDIT_ESTIMATE.turn);
    expect(week.top.map((entry) => entry.userId)).toEqual(["U2", "U1"]);
    // Another place sees none of it, nor the member's own use here.
    expect((await usage.ofPlace({ ...ref, workspace: "T2" }, [168]).then(([span]) => span!)).turns).toBe(0);
    expect((await usage.ofUser({ ...ref, workspace: "T2" }, "U1", [168]).then(([span]) => span!)).turns).toBe(
      0,
    );
    // Across places: the same totals, by place.
    const everywhere = await usage.ofAll([168]).then(([span]) => span!);
    expect(everywhere).toMatchObject({ turns: 5, generations: 1, exports: 1 });
    expect(everywhere.top.map((entry) => entry.userId)).toEqual(["slack:T1"]);
    // One hash per place and hour, and one across places (two hours here); every bucket expires (8 days).
    const bucketKeys = await connection.keys(`${keys.bull}:usage:*`);
    expect(bucketKeys).toHaveLength(4);
    for (const key of bucketKeys) {
      const ttl = await connection.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(8 * 24 * 3600);
    }
  });
});

describe("DMs are per-member places; operators read every place", () => {
  it("two members' Discord DMs share no usage bucket and no quota; across places sums them all", async () => {
    const keys = new Keys(`u${randomUUID().slice(0, 8)}`);
    const usage = new Usage(connection, keys);
    const dmOf = (channel: string) =>
      ({ platform: "discord", workspace: "dm", channel, thread: channel }) as const;
    await usage.record(dmOf("D1"), "A", "turns");
    await usage.record(dmOf("D2"), "B", "turns");
    await usage.record(dmOf("D2"), "B", "turns");
    await usage.record(ref, "U1", "turns");
    const first = await usage.ofPlace(dmOf("D1"), [24]).then(([span]) => span!);
    expect(first).toMatchObject({ turns: 1 });
    expect(first.top.map((entry) => entry.userId)).toEqual(["A"]);
    const all = await usage.ofAll([24]).then(([span]) => span!);
    expect(all).toMatchObject({ turns: 4 });
    expect(all.top.map((entry) => [entry.userId, entry.turns])).toEqual([
      ["discord:dm~D2", 2],
      ["discord:dm~D1", 1],
      ["slack:T1", 1],
    ]);

    // The workspace quota of one DM is not another's (QUOTA_TURNS_PER_HOUR=workspace=1).
    const { Quotas } = await import("../src/store/quotas.js");
    const none = { user: 0, channel: 0, workspace: 0, global: 0 };
    const quotas = new Quotas(connection, keys, {
      turnsPerHour: { ...none, workspace: 1 },
      generationsPerDay: none,
      exportsPerDay: none,
      queuedPerThread: 0,
      runningTurnsPerUser: 0,
      adminsExempt: true,
    });
    expect((await quotas.take("turns", { ref: dmOf("D1"), userId: "A" })).ok).toBe(true);
    expect((await quotas.take("turns", { ref: dmOf("D2"), userId: "B" })).ok).toBe(true);
    expect((await quotas.take("turns", { ref: dmOf("D1"), userId: "A" })).ok).toBe(false);
    // A place admin skips the place's own scopes only when asked to (the exempt scopes).
    expect((await quotas.take("turns", { ref: dmOf("D1"), userId: "A" }, ["workspace"])).ok).toBe(true);
  });
});
