import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";

/** A bot (or another program) is connected to the embedded Redis of this data directory right now. */
export class EmbeddedRedisInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `another process is using the Redis in ${dir}${pid ? ` (redis-server pid ${pid})` : ""}: ` +
        "stop the other nemo-video-bot first, or give this one another DATA_DIR",
    );
    this.name = "EmbeddedRedisInUseError";
  }
}

/**
 * Stops a `redis-server` left running on `socket` by an earlier bot that did not stop it (killed with
 * SIGKILL together with its watchdog, for instance). It is ours when it answers on our socket, which
 * lives in our data directory; it is left over when no client is connected to it. One with clients is
 * another bot's, running now: that is refused rather than stopped.
 */
export async function stopLeftoverRedis(socket: string, pidFile: string, dir: string): Promise<boolean> {
  const probe = new Redis({
    path: socket,
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
  } catch {
    // Nothing answers: at most a socket file is left over (redis-server replaces it anyway).
    probe.disconnect();
    await rm(socket, { force: true });
    return false;
  }
  let pid: number | undefined;
  try {
    const ownId = Number(await probe.client("ID"));
    const clients = String(await probe.client("LIST"))
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith(`id=${ownId} `));
    pid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]) || undefined;
    if (clients.length > 0) throw new EmbeddedRedisInUseError(dir, pid);
  } catch (error) {
    if (error instanceof EmbeddedRedisInUseError) {
      probe.disconnect();
      throw error;
    }
    // Still loading its AOF (it refuses commands then): its pid file names it.
    pid = await readPid(pidFile);
  }
  await probe.call("SHUTDOWN").catch(() => undefined);
  probe.disconnect();
  if (pid !== undefined) await waitUntilGone(pid, 10_000);
  return true;
}

/** The pid a redis-server wrote to `pidFile`, when the file exists and holds one. */
export async function readPid(pidFile: string): Promise<number | undefined> {
  const text = await readFile(pidFile, "utf8").catch(() => "");
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether process `pid` runs (also when it belongs to another user); a zombie has ended. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // Linux: "pid (comm) S …"; Z is a process that ended and waits for its parent to collect it.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Waits for `pid` to exit; SIGTERM, then SIGKILL, when it takes longer than `timeoutMs`. */
async function waitUntilGone(pid: number, timeoutMs: number): Promise<void> {
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGKILL"];
  let deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      const signal = signals.shift();
      if (!signal) throw new Error(`a leftover redis-server (pid ${pid}) does not stop`);
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile.
      }
      deadline = Date.now() + timeoutMs;
    }
    await delay(20);
  }
}
