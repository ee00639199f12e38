import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { RedisServerProcess } from "../src/redis/redis-server-process.js";
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

/** `INFO commandstats` as command → calls (commands run inside Lua scripts are counted too). */
export async function commandCalls(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info("commandstats");
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match?.[1] && match[2]) calls.set(match[1], Number(match[2]));
  }
  return calls;
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

/** Deletes every key of a prefix (`{prefix}*`, the hash-tagged form every key of the bot uses). */
export async function deletePrefix(admin: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", `{${prefix}}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await admin.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}
