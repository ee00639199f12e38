import type { RedisClient } from "../redis/connect.js";
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
