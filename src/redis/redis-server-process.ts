import { type ChildProcess, spawn } from "node:child_process";
import { Redis, type RedisOptions } from "ioredis";

/** How to get a Redis when there is none: shown by the bot at start and by `doctor`. */
export const REDIS_INSTALL_OPTIONS = [
  "install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)",
  "set REDIS_URL=redis://host:6379 to use a running Redis",
  "run everything with: docker compose up",
] as const;

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      `REDIS_URL is not set and no redis-server was found on PATH.\n${REDIS_INSTALL_OPTIONS.map((option) => `  - ${option}`).join(", or\n")}`,
    );
    this.name = "RedisServerMissingError";
  }
}

export interface RedisServerStartOptions {
  /**
   * In its own process group, so a Ctrl-C in the terminal (sent to the whole foreground group) does not
   * stop it before the bot has finished with it. Whoever starts it must then make sure it is stopped.
   */
  detached?: boolean;
  /** Stops waiting for it to get ready (and kills it). */
  signal?: AbortSignal | undefined;
  /** Called as soon as the process exists, before it is ready. */
  onSpawn?: (pid: number) => void;
}

/** A `redis-server` child process, started and ready (answering PING) or rejected with a clear error. */
export class RedisServerProcess {
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** Starts `command args` and waits (up to 10 s) until `connection` answers PING. */
  static async start(
    args: readonly string[],
    connection: RedisOptions,
    command = "redis-server",
    options: RedisServerStartOptions = {},
  ): Promise<RedisServerProcess> {
    const child = spawn(command, [...args], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: options.detached === true,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) =>
        reject(error.code === "ENOENT" ? new RedisServerMissingError() : error),
      );
      child.once("spawn", () => {
        if (child.pid !== undefined) options.onSpawn?.(child.pid);
        resolve();
      });
    });
    const server = new RedisServerProcess(child);
    try {
      await server.waitReady(connection, () => stderr, options.signal);
    } catch (error) {
      await server.kill();
      throw error;
    }
    return server;
  }

  /** Stops it (SIGTERM, so it flushes its AOF; SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    this.child.kill("SIGTERM");
    await this.exited;
    clearTimeout(timer);
  }

  /** Sends SIGTERM and does not wait: it flushes its AOF and exits on its own. */
  terminate(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }

  /** Stops it hard, as a crash would. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  private async waitReady(
    connection: RedisOptions,
    stderr: () => string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      signal?.throwIfAborted();
      if (this.child.exitCode !== null) {
        throw new Error(`redis-server exited (${this.child.exitCode}): ${stderr().trim()}`);
      }
      const probe = new Redis({
        ...connection,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === "PONG") return;
      } catch {
        // Not accepting connections yet (starting, or loading its AOF).
      } finally {
        probe.disconnect();
      }
      if (Date.now() > deadline)
        throw new Error(`redis-server did not start within 10 s: ${stderr().trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
