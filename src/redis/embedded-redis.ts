import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RedisServerProcess } from "./redis-server-process.js";

export { RedisServerMissingError } from "./redis-server-process.js";

export interface EmbeddedRedis {
  /** The unix socket to connect to (ioredis `path`). */
  path: string;
  stop(): Promise<void>;
}

/**
 * Runs a private `redis-server` for the bot when `REDIS_URL` is unset: unix socket only (no TCP port),
 * data and AOF under `DATA_DIR/redis`, stopped with the bot.
 */
export async function startEmbeddedRedis(dataDir: string, command = "redis-server"): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const socket = join(dir, "redis.sock");
  const server = await RedisServerProcess.start(
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
    { path: socket },
    command,
  );
  return { path: socket, stop: () => server.stop() };
}
