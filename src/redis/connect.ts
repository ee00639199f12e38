import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { RedisTarget } from "./redis-target.js";

/**
 * A connection to the bot's Redis: one server or a Redis Cluster. Both answer the same commands; on a
 * cluster every command, MULTI and Lua script of the bot touches keys of one hash tag (`{prefix}`,
 * see `jobs/keys.ts`), so each lands on the one master that owns that slot.
 */
export type RedisClient = Redis | Cluster;

/**
 * Opens a client for `target` (or the embedded server's unix socket). `options` are per-connection
 * settings (timeouts, `maxRetriesPerRequest`, `lazyConnect` …); on a cluster they apply to each node,
 * and the cluster itself keeps retrying while a master fails over or restarts (unless `clusterOptions`
 * say otherwise).
 */
export function connectRedis(
  target: RedisTarget | { kind: "socket"; path: string },
  options: RedisOptions,
  clusterOptions: Partial<ClusterOptions> = {},
): RedisClient {
  if (target.kind === "server") return new Redis(target.url, options);
  if (target.kind === "socket") return new Redis({ path: target.path, ...options });
  const { lazyConnect, enableReadyCheck, enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster(target.nodes, {
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    enableReadyCheck: enableReadyCheck ?? true,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    // A master that restarts or fails over answers CLUSTERDOWN / TRYAGAIN / MOVED for a while: wait and
    // follow it (the defaults give up after 16 redirections, about 1.6 s: too short for a restart).
    maxRedirections: 1_000,
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
    ...clusterOptions,
    redisOptions: {
      ...nodeOptions,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/** Every master of a cluster (or the one server), for commands that are per node: INFO, CONFIG. */
export function masterNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes("master") : [client];
}
