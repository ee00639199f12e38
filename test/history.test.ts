import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeInbound } from "../src/core/conversation/router.js";
import { HISTORY_LENGTH, historyReply, listExports, recordExport } from "../src/store/export-history.js";
import { KEY_TTL_SECONDS, Keys } from "../src/store/keys.js";
import { LegacyClaimTokens } from "../src/store/legacy-claim-tokens.js";
import { TestRedisServer } from "./helpers/redis-server.js";

let server: TestRedisServer;
let redis: Redis;
const keys = new Keys(`hist${process.pid}`);

beforeAll(async () => {
  server = await TestRedisServer.start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const record = (n: number) => ({
  refKey: `slack:T:C:${n}`,
  at: Date.UTC(2026, 10, 29, 12, n),
  title: `render_${n}.mp4`,
  durationMs: 10_000,
  url: `https://cdn.example/render_${n}.mp4`,
  fileName: `render_${n}.mp4`,
  exportId: `export-${n}`,
});

describe("export history", () => {
  it("keeps a user's last exports, newest first, capped, for 30 days", async () => {
    for (let n = 0; n < HISTORY_LENGTH + 3; n++) await recordExport(redis, keys, "slack", "U1", record(n));
    await recordExport(redis, keys, "slack", "U2", record(99));
    const listed = await listExports(redis, keys, "slack", "U1", 50);
    expect(listed).toHaveLength(HISTORY_LENGTH);
    expect(listed[0]).toEqual(record(HISTORY_LENGTH + 2));
    expect(await redis.ttl(keys.history("slack", "U1"))).toBeGreaterThan(KEY_TTL_SECONDS.history - 60);
    expect((await listExports(redis, keys, "slack", "U2")).map((r) => r.title)).toEqual(["render_99.mp4"]);
    expect(await listExports(redis, keys, "discord", "U1")).toEqual([]);
  });

  it("lists thread, date, title, duration and link, with a link reopening each project", () => {
    const reopen = new Map([
      ["export-1", "https://web.example/p/1"],
      ["export-2", "https://web.example/p/2"],
    ]);
    const reply = historyReply("en", [record(1), record(2), record(3)], reopen);
    expect(reply.text).toBe(
      "🗂️ Your last exports:\n" +
        "2026-11-29 12:01 · render_1.mp4 · 10 s — https://cdn.example/render_1.mp4\n" +
        "2026-11-29 12:02 · render_2.mp4 · 10 s — https://cdn.example/render_2.mp4\n" +
        "2026-11-29 12:03 · render_3.mp4 · 10 s — https://cdn.example/render_3.mp4",
    );
    expect(reply.links).toEqual([
      { label: "Reopen render_1.mp4", url: "https://web.example/p/1" },
      { label: "Reopen render_2.mp4", url: "https://web.example/p/2" },
    ]);
    expect(historyReply("zh-CN", []).text).toBe("最近 30 天内你没有导出过视频。");
  });

  it("never hands out a link an older version kept in the history (projectUrl)", async () => {
    const old = {
      ...record(7),
      exportId: undefined,
      projectUrl: "https://web.example/workspace/claim?ct=clm_old",
    };
    await redis.lpush(keys.history("slack", "U9"), JSON.stringify(old));
    const [listed] = await listExports(redis, keys, "slack", "U9");
    expect(listed).not.toHaveProperty("projectUrl");
    expect(historyReply("en", [listed!]).links).toEqual([]);
  });

  it("deletes the claim tokens an older version kept (its cache, its histories' links), once", async () => {
    const legacy = new Keys(`legacy${process.pid}`);
    const cache = `${legacy.bull}:claim:sess-1`;
    await redis.set(cache, JSON.stringify({ claimToken: "clm_cached", expiresAt: 1 }), "EX", 3600);
    const history = legacy.history("discord", "U1");
    const old = {
      ...record(1),
      exportId: undefined,
      projectUrl: "https://web.example/workspace/claim?ct=clm_one",
    };
    const first = {
      projectUrl: "https://web.example/workspace/claim?ct=clm_two",
      title: "render_2.mp4",
      at: 2,
    };
    await redis.rpush(history, JSON.stringify(record(3)), JSON.stringify(old), JSON.stringify(first));
    await redis.expire(history, 3600);
    const other = `${keys.bull}:claim:sess-1`;
    await redis.set(other, "clm_other_deployment");

    expect(await new LegacyClaimTokens(redis, legacy).forget()).toEqual({ caches: 1, entries: 2 });
    expect(await redis.exists(cache)).toBe(0);
    const left = await redis.lrange(history, 0, -1);
    expect(left.join("\n")).not.toMatch(/clm_|projectUrl/);
    expect(left.map((entry) => JSON.parse(entry) as unknown)).toEqual([
      record(3),
      { ...record(1), exportId: undefined },
      { title: "render_2.mp4", at: 2 },
    ]);
    expect(await redis.ttl(history)).toBeGreaterThan(0);
    // Another deployment's keys are not its own; a second start scans nothing.
    expect(await redis.get(other)).toBe("clm_other_deployment");
    await redis.set(cache, "clm_late");
    expect(await new LegacyClaimTokens(redis, legacy).forget()).toBeUndefined();
    expect(await redis.get(cache)).toBe("clm_late");
  });

  it("/history is the history command (console and Discord's command)", () => {
    expect(
      routeInbound({
        id: "1",
        ref: { platform: "console", workspace: "", channel: "", thread: "t" },
        user: { id: "u" },
        text: "/history",
        attachments: [],
      }),
    ).toEqual({ kind: "history" });
  });
});
