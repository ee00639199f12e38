import type { KeyValueStore } from "../core/kv-store.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

/** The client id and anonymous token, shared by every process of the deployment. */
export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}
  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.kv(key))) ?? undefined;
  }
  async set(key: string, value: string): Promise<void> {
    await this.redis.set(this.keys.kv(key), value);
  }
  async setIfAbsent(key: string, value: string): Promise<string> {
    // SET NX then GET: processes starting together agree on one value.
    await this.redis.set(this.keys.kv(key), value, "NX");
    return (await this.redis.get(this.keys.kv(key))) ?? value;
  }
}
