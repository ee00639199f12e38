import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

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
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([waitForPing(port), spawnError]);
  } catch (error) {
    await stop();
    throw new Error(`could not start redis-server from PATH (set REDIS_URL instead): ${String(error)}`);
  }
  return { url, private: true, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await exited;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      probe.disconnect();
    }
    // Start-up poll of an external process (not synchronisation of the measured work).
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
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
