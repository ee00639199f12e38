import type { KeyValueStore } from "../core/kv-store.js";
import { RedisStore } from "./redis-store.js";

/** The client id and anonymous token, shared by every process of the deployment. */
export class RedisKeyValueStore extends RedisStore implements KeyValueStore {
  async get(key: string): Promise<string | undefined> {
    return this.text(this.keys.kv(key));
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
