import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  EmbeddedRedisInUseError,
  embeddedRedisArgs,
  embeddedRedisPaths,
  RedisServerMissingError,
  startEmbeddedRedis,
} from "../src/redis/embedded-redis.js";
import { isRunning } from "../src/redis/leftover-redis.js";
import { RedisServerProcess } from "../src/redis/redis-server-process.js";
import { pidIn } from "./helpers/cli-process.js";

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

  it("stops a redis-server an earlier bot left running in its data dir, then starts its own", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-embedded-"));
    const paths = embeddedRedisPaths(dataDir);
    await mkdir(paths.dir, { recursive: true });
    // What a bot killed together with its watchdog leaves: a server on our socket, nobody connected.
    const leftover = await RedisServerProcess.start(embeddedRedisArgs(dataDir), { path: paths.socket });
    const leftoverPid = await pidIn(paths.pidFile);
    expect(leftoverPid).toBeDefined();
    const embedded = await startEmbeddedRedis(dataDir);
    const redis = new Redis({ path: embedded.path });
    try {
      expect(isRunning(leftoverPid!)).toBe(false);
      const pid = await pidIn(embedded.pidFile);
      expect(pid).not.toBe(leftoverPid);
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
      await embedded.stop();
      await leftover.kill();
    }
  });

  it("refuses to take over an embedded Redis another bot is using", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-embedded-"));
    const embedded = await startEmbeddedRedis(dataDir);
    const client = new Redis({ path: embedded.path });
    try {
      await client.ping();
      await expect(startEmbeddedRedis(dataDir)).rejects.toBeInstanceOf(EmbeddedRedisInUseError);
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
      await embedded.stop();
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
