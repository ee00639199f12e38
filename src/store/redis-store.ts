import { masterNodes, type RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

/** A store over the deployment's Redis, naming its keys through {@link Keys}. */
export abstract class RedisStore {
  constructor(
    protected readonly redis: RedisClient,
    protected readonly keys: Keys,
  ) {}

  /** The string at `key`; undefined when there is none. */
  protected async text(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  /** Sets `key` only when it is absent, for `ttlSeconds`: whether it was set (the first one wins). */
  protected async setFirst(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(key, value, "EX", ttlSeconds, "NX")) === "OK";
  }
}

/** Every key matching `pattern` on every master (all of a deployment's keys share one slot), sorted. */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of masterNodes(redis)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== "0");
  }
  return [...found].sort();
}
