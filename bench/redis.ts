import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis, masterNodes, type RedisClient } from "../src/redis/connect.js";
import { RedisServerProcess } from "../src/redis/redis-server-process.js";
import { redisTargetFrom } from "../src/redis/redis-target.js";
import { freePort } from "../test/helpers/free-port.js";

/** The Redis the bench runs against: `REDIS_URL`, or a private `redis-server` it stops afterwards. */
export interface BenchRedis {
  url: string;
  /** Started by the bench (no other clients, so command counts are the bot's alone). */
  private: boolean;
  stop(): Promise<void>;
}

export async function openRedis(env: NodeJS.ProcessEnv = process.env): Promise<BenchRedis> {
  const external = env.REDIS_URL?.trim();
  if (external) return { url: external, private: false, stop: async () => undefined };
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "nemo-bench-redis-"));
  const server = await RedisServerProcess.start(
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { port, host: "127.0.0.1" },
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The bench's own connection (one server or a cluster), for INFO, SCAN and probes. */
export function openAdmin(redis: BenchRedis): RedisClient {
  const admin = connectRedis(redisTargetFrom(redis.url)!, { maxRetriesPerRequest: null });
  admin.on("error", () => undefined);
  return admin;
}

/** `INFO commandstats` summed over every master: command → calls (commands inside Lua scripts too). */
export async function commandCalls(admin: RedisClient): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const node of masterNodes(admin)) {
    for (const line of (await node.info("commandstats")).split(/\r?\n/)) {
      const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (match?.[1] && match[2]) calls.set(match[1], (calls.get(match[1]) ?? 0) + Number(match[2]));
    }
  }
  return calls;
}

/** `INFO commandstats` usec summed over every command and master (a script's own commands count twice: alone and in it). */
export async function commandUsec(admin: RedisClient): Promise<number> {
  let usec = 0;
  for (const node of masterNodes(admin)) {
    for (const line of (await node.info("commandstats")).split(/\r?\n/)) {
      const match = /^cmdstat_([^:]+):calls=\d+,usec=(\d+)/.exec(line);
      if (match?.[1] && match[1] !== "info" && match[2]) usec += Number(match[2]);
    }
  }
  return usec;
}

/** CPU the Redis server processes used so far (`INFO cpu`: user + system, every master), in ms. */
export async function redisCpuMs(admin: RedisClient): Promise<number> {
  let seconds = 0;
  for (const node of masterNodes(admin)) {
    const info = await node.info("cpu");
    for (const field of ["used_cpu_user", "used_cpu_sys"]) {
      seconds += Number(new RegExp(`^${field}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
    }
  }
  return seconds * 1000;
}

/** Calls made between two snapshots, per command; the bench's own INFO calls left out. */
export function callsDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [command, calls] of after) {
    if (command === "info") continue;
    const made = calls - (before.get(command) ?? 0);
    if (made > 0) delta.set(command, made);
  }
  return delta;
}

/** The sum of a {@link callsDelta}. */
export function totalCalls(delta: Map<string, number>): number {
  return [...delta.values()].reduce((sum, calls) => sum + calls, 0);
}

/**
 * Deletes every key of a prefix on every master (`{prefix}*`, the hash-tagged form every key of the bot
 * uses, all in one slot).
 */
export async function deletePrefix(admin: RedisClient, prefix: string): Promise<void> {
  for (const node of masterNodes(admin)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `{${prefix}}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== "0");
  }
}
