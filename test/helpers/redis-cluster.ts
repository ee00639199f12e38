import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { RedisServerProcess } from "../../src/redis/redis-server-process.js";
import { freePort } from "./free-port.js";

const SLOTS = 16_384;

/**
 * Why a Redis Cluster cannot be started here (no redis-server, or one older than 5 without the
 * cluster commands this helper uses), or undefined when it can.
 */
export async function clusterUnsupported(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("redis-server", ["--version"]);
    const major = Number(/\bv=(\d+)\./.exec(stdout)?.[1]);
    return major >= 5 ? undefined : `redis-server ${stdout.trim()} is too old for the cluster test (5+)`;
  } catch {
    return "redis-server is not on PATH: the Redis Cluster test needs it";
  }
}

/** One master of the test cluster: its port, data dir (AOF and nodes.conf) and process. */
class ClusterNode {
  process: RedisServerProcess | undefined;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  async launch(): Promise<void> {
    this.process = await RedisServerProcess.start(
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        // A killed master is declared failed after this (and the cluster answers CLUSTERDOWN for its slots).
        "--cluster-node-timeout",
        "2000",
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
}

/**
 * A private Redis Cluster of `masters` masters (no replicas) on free loopback ports, each with AOF in its
 * own temp dir, so a killed master restarted on the same port and dir rejoins with its slots and data.
 * Built with CLUSTER ADDSLOTS and CLUSTER MEET (no redis-cli needed).
 */
export class TestRedisCluster {
  private constructor(
    private readonly nodes: ClusterNode[],
    private readonly root: string,
  ) {}

  /** `redis+cluster://` URL naming every master. */
  get url(): string {
    return `redis+cluster://${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(",")}`;
  }

  static async start(masters = 3): Promise<TestRedisCluster> {
    const root = await mkdtemp(join(tmpdir(), "nemo-cluster-"));
    const nodes: ClusterNode[] = [];
    for (let index = 0; index < masters; index++) {
      const dir = join(root, `node-${index}`);
      await mkdir(dir);
      nodes.push(new ClusterNode(await freePort(), dir));
    }
    const cluster = new TestRedisCluster(nodes, root);
    try {
      await Promise.all(nodes.map((node) => node.launch()));
      await cluster.form();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Splits the slots evenly, introduces the nodes to each other and waits for `cluster_state:ok` everywhere. */
  private async form(): Promise<void> {
    const share = Math.ceil(SLOTS / this.nodes.length);
    await Promise.all(
      this.nodes.map((node, index) =>
        this.admin(node.port, async (redis) => {
          const slots: number[] = [];
          for (let slot = index * share; slot < Math.min(SLOTS, (index + 1) * share); slot++)
            slots.push(slot);
          await redis.call("CLUSTER", "ADDSLOTS", ...slots.map(String));
          if (index > 0) await redis.call("CLUSTER", "MEET", "127.0.0.1", String(this.nodes[0]!.port));
        }),
      ),
    );
    await this.untilHealthy();
  }

  /** Resolves once every master reports `cluster_state:ok` and knows all masters (30 s at most). */
  async untilHealthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((node) =>
          this.admin(node.port, async (redis) => {
            const info = String(await redis.call("CLUSTER", "INFO"));
            return (
              info.includes("cluster_state:ok") &&
              Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1]) === this.nodes.length
            );
          }).catch(() => false),
        ),
      );
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error("the test Redis Cluster did not become healthy within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resolves once a surviving master reports `cluster_state:fail` (a master is down and its slots unserved). */
  async untilFailed(down: number): Promise<void> {
    const survivor = this.nodes.find((node) => node.port !== down)!;
    const deadline = Date.now() + 30_000;
    while (
      !String(await this.admin(survivor.port, (redis) => redis.call("CLUSTER", "INFO"))).includes(
        "cluster_state:fail",
      )
    ) {
      if (Date.now() > deadline) throw new Error("the cluster did not notice the killed master within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The port of the master owning the slot of `key` (e.g. `{prefix}`). */
  async masterOf(key: string): Promise<number> {
    return this.admin(this.nodes[0]!.port, async (redis) => {
      const slot = Number(await redis.call("CLUSTER", "KEYSLOT", key));
      const ranges = (await redis.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!owner) throw new Error(`no master owns slot ${slot}`);
      return Number(owner[2][1]);
    });
  }

  /** SIGKILLs the master on `port`, as a crash would. */
  async kill(port: number): Promise<void> {
    await this.node(port).process?.kill();
  }

  /** Starts the master on `port` again (same dir: its nodes.conf and AOF), and waits for a healthy cluster. */
  async restart(port: number): Promise<void> {
    await this.node(port).launch();
    await this.untilHealthy();
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.process?.kill()));
    await rm(this.root, { recursive: true, force: true });
  }

  private node(port: number): ClusterNode {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  }

  private async admin<T>(port: number, body: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(port, "127.0.0.1", {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      return await body(redis);
    } finally {
      redis.disconnect();
    }
  }
}
