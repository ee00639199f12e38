import type { KeyValueStore } from "../core/kv-store.js";
import { kvOwner } from "../core/sealed-kinds.js";
import { SecretBox } from "../core/secret-box.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** The values of the store that are secret, sealed when a `SECRETS_KEY` is set: the shared account's token. */
export const SEALED_KV_KEYS: readonly string[] = ["nemo:anonymous-token"];

/**
 * The client id and anonymous token, shared by every process of the deployment. With a `SECRETS_KEY`
 * the anonymous token is sealed (bound to its key); a value that no configured key opens reads as
 * absent (the bot fetches a new token for the same client id and stores it sealed), one left in the
 * clear by an older version is still read (and sealed by `secrets reseal` or the next refresh).
 */
export class RedisKeyValueStore extends RedisStore implements KeyValueStore {
  constructor(
    redis: RedisClient,
    keys: Keys,
    private readonly box?: SecretBox | undefined,
  ) {
    super(redis, keys);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.text(this.keys.kv(key));
    if (value === undefined || !SEALED_KV_KEYS.includes(key) || !SecretBox.isSealed(value)) return value;
    return this.box?.open(value, kvOwner(key), "anonymous-token");
  }
  async set(key: string, value: string): Promise<void> {
    await this.redis.set(this.keys.kv(key), this.sealed(key, value));
  }
  async setIfAbsent(key: string, value: string): Promise<string> {
    // SET NX then GET: processes starting together agree on one value.
    await this.redis.set(this.keys.kv(key), this.sealed(key, value), "NX");
    return (await this.get(key)) ?? value;
  }

  private sealed(key: string, value: string): string {
    return this.box && SEALED_KV_KEYS.includes(key) ? this.box.seal(value, kvOwner(key)) : value;
  }
}
