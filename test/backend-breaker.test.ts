import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { BackendBreaker, type BreakerOptions } from "../src/store/backend-breaker.js";
import { Keys } from "../src/store/keys.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const server = useRedisServer();
const connections: Redis[] = [];
afterEach(() => {
  for (const redis of connections.splice(0)) redis.disconnect();
});

/** Two breakers on one prefix, each with its own connection: two worker processes of one deployment. */
function pair(options: Partial<BreakerOptions> = {}) {
  const keys = new Keys(`b${randomUUID().slice(0, 8)}`);
  const settings: BreakerOptions = {
    threshold: 3,
    cooldownMs: 300,
    windowMs: 60_000,
    refreshMs: 0,
    ...options,
  };
  const make = () => {
    const redis = new Redis(server.url);
    connections.push(redis);
    return new BackendBreaker(redis, keys, settings);
  };
  return { a: make(), b: make(), keys };
}

describe("the backend circuit breaker", () => {
  it("opens after the threshold of consecutive failures, seen by every process", async () => {
    const { a, b } = pair();
    const opened: string[] = [];
    a.on("open", () => opened.push("a"));
    await a.recordFailure();
    await b.recordFailure();
    expect(await a.check()).toBe(false);
    await b.recordFailure();
    expect(await b.check()).toBe(true);
    expect(await a.check()).toBe(true);
    expect(a.isOpen()).toBe(true);
    expect(opened).toEqual(["a"]);
    expect((await b.openedTotal.get()).values[0]?.value).toBe(1);
  });

  it("a success closes it and forgets the failures", async () => {
    const { a, b } = pair();
    for (let i = 0; i < 3; i++) await a.recordFailure();
    expect(await b.check()).toBe(true);
    await b.recordSuccess();
    expect(await a.check()).toBe(false);
    await a.recordFailure();
    expect(await a.check()).toBe(false);
  });

  it("half-opens after the cooldown; one more failure reopens it at once", async () => {
    const { a } = pair({ cooldownMs: 150 });
    for (let i = 0; i < 3; i++) await a.recordFailure();
    expect(await a.check()).toBe(true);
    const closed = new Promise<void>((resolve) => a.once("close", () => resolve()));
    await eventually(
      () => {
        void a.check();
        return !a.isOpen();
      },
      5_000,
      "the cooldown to end",
    );
    await closed;
    await a.recordFailure();
    expect(a.isOpen()).toBe(true);
  });

  it("costs no Redis call for a success while nothing failed", async () => {
    const { a, keys } = pair();
    const monitor = new Redis(server.url);
    connections.push(monitor);
    let commands = 0;
    const watching = await monitor.monitor();
    // Only commands on this breaker's keys (connection set-up and other tests' traffic do not count).
    watching.on("monitor", (_time: string, args: string[], source: string) => {
      if (source !== "lua" && args.some((arg) => arg.startsWith(keys.bull))) commands++;
    });
    for (let i = 0; i < 20; i++) await a.recordSuccess();
    await a.recordFailure();
    await eventually(() => commands > 0, 5_000, "the failure to reach Redis");
    const afterFailure = commands;
    await a.recordSuccess();
    await eventually(() => commands > afterFailure, 5_000, "the success to reset the failures");
    expect(afterFailure).toBe(1);
    watching.disconnect();
  });
});
