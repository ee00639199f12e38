import type { InstallationRedis } from "../adapters/slack/index.js";
import type { RedisClient } from "../redis/connect.js";

/** The Slack installation store's RedisClient commands on an ioredis connection (adapters import no RedisClient client). */
export function installationRedis(redis: RedisClient): InstallationRedis {
  return {
    get: (key) => redis.get(key),
    set: async (key, value) => void (await redis.set(key, value)),
    del: async (key) => void (await redis.del(key)),
  };
}
