import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      "REDIS_URL is not set and no redis-server was found on PATH.\n" +
        "  - install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or\n" +
        "  - set REDIS_URL=redis://host:6379 to use a running Redis, or\n" +
        "  - run everything with: docker compose up",
    );
    this.name = "RedisServerMissingError";
  }
}

export interface EmbeddedRedis {
  /** Connection options for ioredis (a unix socket). */
  path: string;
  stop(): Promise<void>;
}

/**
 * Runs a private `redis-server` for the bot when `REDIS_URL` is unset: unix socket only (no TCP port),
 * data and AOF under `dir`, stopped with the bot.
 */
export async function startEmbeddedRedis(dataDir: string, command = "redis-server"): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const socket = join(dir, "redis.sock");
  const child = spawn(
    command,
    [
      "--port",
      "0",
      "--unixsocket",
      socket,
      "--unixsocketperm",
      "700",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--save",
      "",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolvePromise, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new RedisServerMissingError() : error),
    );
    child.once("spawn", () => resolvePromise());
  });
  try {
    await waitForSocket(socket, child, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return { path: socket, stop: () => stopChild(child) };
}

async function waitForSocket(socket: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}): ${stderr().trim()}`);
    if (existsSync(socket)) {
      const probe = new Redis({
        path: socket,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        // Not accepting yet (AOF loading); try again.
      } finally {
        probe.disconnect();
      }
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
  throw new Error(`redis-server did not start within 10 s: ${stderr().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill("SIGTERM");
  });
}
