import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { stopLeftoverRedis } from "./leftover-redis.js";
import { ParentWatchdog } from "./parent-watchdog.js";
import { RedisServerProcess } from "./redis-server-process.js";

export { EmbeddedRedisInUseError } from "./leftover-redis.js";
export { RedisServerMissingError } from "./redis-server-process.js";

export interface EmbeddedRedis {
  /** The unix socket to connect to (ioredis `path`). */
  path: string;
  /** The file in which redis-server keeps its pid while it runs. */
  pidFile: string;
  stop(): Promise<void>;
  /** Tells it to stop (SIGTERM) without waiting: it flushes its AOF and exits on its own. */
  terminate(): void;
}

export interface EmbeddedRedisOptions {
  /** The server binary (tests point it at a missing one). */
  command?: string;
  /** Stops a start that is still waiting for the server (Ctrl-C during start-up). */
  signal?: AbortSignal | undefined;
}

/** Where the embedded Redis of `dataDir` keeps its socket, pid file and data. */
export function embeddedRedisPaths(dataDir: string): { dir: string; socket: string; pidFile: string } {
  const dir = resolve(dataDir, "redis");
  return { dir, socket: join(dir, "redis.sock"), pidFile: join(dir, "redis-server.pid") };
}

/** The `redis-server` arguments of the embedded server: unix socket only, AOF, a pid file. */
export function embeddedRedisArgs(dataDir: string): string[] {
  const { dir, socket, pidFile } = embeddedRedisPaths(dataDir);
  return [
    "--port",
    "0",
    "--unixsocket",
    socket,
    "--unixsocketperm",
    "700",
    "--dir",
    dir,
    "--pidfile",
    pidFile,
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
    "--daemonize",
    "no",
  ];
}

/**
 * Stops an embedded Redis an earlier bot left running in `dataDir` (see `stopLeftoverRedis`); refuses
 * (`EmbeddedRedisInUseError`) when another bot is using it now. True when one was stopped.
 */
export async function stopLeftoverEmbeddedRedis(dataDir: string): Promise<boolean> {
  const { dir, socket, pidFile } = embeddedRedisPaths(dataDir);
  return stopLeftoverRedis(socket, pidFile, dir);
}

/**
 * Runs a private `redis-server` for the bot when `REDIS_URL` is unset: unix socket only (no TCP port),
 * data and AOF under `DATA_DIR/redis`, stopped with the bot and never left running: it is outside the
 * terminal's process group (a Ctrl-C reaches only the bot, which stops it last), a watchdog stops it
 * when the bot dies any other way, and a server an earlier bot still left behind is stopped first.
 */
export async function startEmbeddedRedis(
  dataDir: string,
  options: EmbeddedRedisOptions = {},
): Promise<EmbeddedRedis> {
  const { dir, socket, pidFile } = embeddedRedisPaths(dataDir);
  await mkdir(dir, { recursive: true });
  await stopLeftoverRedis(socket, pidFile, dir);
  options.signal?.throwIfAborted();
  let watchdog: ParentWatchdog | undefined;
  const server = await RedisServerProcess.start(
    embeddedRedisArgs(dataDir),
    { path: socket },
    options.command,
    {
      detached: true,
      signal: options.signal,
      onSpawn: (pid) => {
        watchdog = ParentWatchdog.start(pid);
      },
    },
  ).catch((error: unknown) => {
    watchdog?.release();
    throw error;
  });
  return {
    path: socket,
    pidFile,
    stop: async () => {
      await server.stop();
      watchdog?.release();
    },
    terminate: () => {
      server.terminate();
      watchdog?.release();
    },
  };
}
