import type { ServerResponse } from "node:http";
import { Cluster } from "ioredis";
import type { RedisClient } from "../redis/connect.js";

export interface HealthReport {
  /** `ok`, or `degraded` with reasons (HTTP 200; 503 when one of them is Redis being unreachable). */
  status: "ok" | "degraded";
  redis: "up" | "down";
  /** Why the process is degraded, e.g. `backend-circuit-open`, `redis-unreachable`. */
  reasons: string[];
  /** The admin port this process listens on (chosen at start when `ADMIN_PORT` is unset or 0). */
  adminPort?: number;
}

/**
 * The health of one process, served on `/healthz` (public and admin ports). Redis is pinged on each
 * check; other parts (the backend circuit breaker) report degradation with `setDegraded`.
 */
export class Health {
  private readonly reasons = new Set<string>();
  private readonly listeners: ((reason: string, on: boolean) => void)[] = [];
  private adminPort: number | undefined;

  /**
   * On a Redis Cluster, `slotKey` (any key of the deployment's hash tag) makes the check ask the master
   * that holds the deployment's keys, not whichever node answers PING.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly pingTimeoutMs = 2_000,
    private readonly slotKey?: string,
  ) {}

  /** Marks (or clears) one reason for being degraded; reasons are short fixed words, never ids. */
  setDegraded(reason: string, on: boolean): void {
    if (on === this.reasons.has(reason)) return;
    if (on) this.reasons.add(reason);
    else this.reasons.delete(reason);
    for (const listener of this.listeners) listener(reason, on);
  }

  /** Called on every change of a degradation reason (the metrics mirror them as a gauge). */
  onChange(listener: (reason: string, on: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Shown in every report: with several processes on a host, which admin port is whose. */
  setAdminPort(port: number): void {
    this.adminPort = port;
  }

  degradedReasons(): string[] {
    return [...this.reasons].sort();
  }

  async check(): Promise<HealthReport> {
    const redisUp = await Promise.race([
      (this.slotKey && this.redis instanceof Cluster
        ? this.redis.exists(this.slotKey)
        : this.redis.ping()
      ).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.pingTimeoutMs).unref()),
    ]);
    const reasons = redisUp ? this.degradedReasons() : ["redis-unreachable", ...this.degradedReasons()];
    const status = reasons.length > 0 ? "degraded" : "ok";
    return {
      status,
      redis: redisUp ? "up" : "down",
      reasons,
      ...(this.adminPort === undefined ? {} : { adminPort: this.adminPort }),
    };
  }
}

/** Writes a health report: 200 for ok and degraded, 503 when Redis is down. */
export async function respondHealth(health: Health, res: ServerResponse): Promise<void> {
  const report = await health.check();
  res
    .writeHead(report.redis === "down" ? 503 : 200, { "content-type": "application/json" })
    .end(JSON.stringify(report));
}
