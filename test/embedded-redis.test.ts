import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisServerMissingError, startEmbeddedRedis } from "../src/redis/embedded-redis.js";

describe("embedded Redis", () => {
  it("starts a private redis-server on a unix socket with AOF under the data dir, and stops it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-embedded-"));
    const embedded = await startEmbeddedRedis(dataDir);
    const redis = new Redis({ path: embedded.path });
    try {
      await redis.set("k", "v");
      expect(await redis.get("k")).toBe("v");
      expect(await redis.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      expect(embedded.path).toBe(join(dataDir, "redis", "redis.sock"));
    } finally {
      redis.disconnect();
      await embedded.stop();
    }
    expect(existsSync(embedded.path)).toBe(false);
    // The data survives a restart (AOF).
    const again = await startEmbeddedRedis(dataDir);
    const reread = new Redis({ path: again.path });
    try {
      expect(await reread.get("k")).toBe("v");
    } finally {
      reread.disconnect();
      await again.stop();
    }
  });

  it("says how to get Redis when redis-server is missing", async () => {
    const error = await startEmbeddedRedis(await mkdtemp(join(tmpdir(), "nemo-embedded-")), {
      command: "redis-server-that-does-not-exist",
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisServerMissingError);
    expect(String((error as Error).message)).toMatch(
      /apt-get install redis-server[\s\S]*REDIS_URL[\s\S]*docker compose up/,
    );
  });
});
