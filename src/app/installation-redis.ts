import type { Redis } from "ioredis";
import type { InstallationRedis } from "../adapters/slack/installation-store.js";

/** The Slack installation store's Redis commands on an ioredis connection (adapters import no Redis client). */
export function installationRedis(redis: Redis): InstallationRedis {
  return {
    get: (key) => redis.get(key),
    set: async (key, value) => void (await redis.set(key, value)),
    setIfAbsent: async (key, value, ttlMs) => (await redis.set(key, value, "PX", ttlMs, "NX")) === "OK",
    del: async (key) => void (await redis.del(key)),
  };
}
