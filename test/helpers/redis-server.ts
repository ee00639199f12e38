import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { RedisServerProcess } from "../../src/redis/redis-server-process.js";
import { freePort } from "./free-port.js";

/** A private redis-server on a free loopback port, with AOF so a restart keeps the data. */
export class TestRedisServer {
  private process: RedisServerProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort(), await mkdtemp(join(tmpdir(), "nemo-redis-")));
    await server.launch();
    return server;
  }

  /** Starts the server (again, after `kill`) on the same port and data. */
  async launch(): Promise<void> {
    this.process = await RedisServerProcess.start(
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
      ],
      { port: this.port, host: "127.0.0.1" },
    );
  }

  /** Stops the server hard (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The private redis-server of one test file: started before its tests, stopped after them. */
export function useRedisServer(): { readonly url: string; kill(): Promise<void>; launch(): Promise<void> } {
  let server: TestRedisServer | undefined;
  beforeAll(async () => {
    server = await TestRedisServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): TestRedisServer => {
    if (!server) throw new Error("useRedisServer(): the server starts in beforeAll");
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    kill: () => started().kill(),
    launch: () => started().launch(),
  };
}
