import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/config.js";
import { describeRedisTarget, maskRedisUrl, redisTargetFrom } from "../src/redis/redis-target.js";

describe("REDIS_URL and REDIS_CLUSTER_NODES", () => {
  it("a plain URL names one server; unset means the embedded one", () => {
    expect(redisTargetFrom("redis://127.0.0.1:6379/0")).toEqual({
      kind: "server",
      url: "redis://127.0.0.1:6379/0",
    });
    expect(redisTargetFrom(undefined)).toBeUndefined();
  });

  it("redis+cluster:// names cluster nodes, with credentials and TLS", () => {
    expect(redisTargetFrom("rediss+cluster://app:s%40cret@r1.internal:7000,r2.internal:7001,[::1]")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "r1.internal", port: 7000 },
        { host: "r2.internal", port: 7001 },
        { host: "::1", port: 6379 },
      ],
      username: "app",
      password: "s@cret",
      tls: true,
    });
  });

  it("REDIS_CLUSTER_NODES becomes a cluster URL keeping REDIS_URL's credentials; secrets never printed", () => {
    const config = loadConfig({ REDIS_URL: "redis://:pw@ignored:1", REDIS_CLUSTER_NODES: "a:7000, b:7001" });
    expect(config.REDIS_URL).toBe("redis+cluster://:pw@a:7000,b:7001");
    const target = redisTargetFrom(config.REDIS_URL)!;
    expect(target).toMatchObject({ kind: "cluster", password: "pw", nodes: [{ host: "a" }, { host: "b" }] });
    expect(describeRedisTarget(target)).toBe("redis+cluster://***@a:7000,b:7001");
    expect(maskRedisUrl(config.REDIS_URL!)).toBe("redis+cluster://***@a:7000,b:7001");
    expect(loadConfig({ REDIS_CLUSTER_NODES: "a:7000" }).REDIS_URL).toBe("redis+cluster://a:7000");
  });

  it("malformed values are configuration errors", () => {
    expect(() => loadConfig({ REDIS_URL: "redis+cluster://a:notaport" })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: "a:99999" })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_URL: "not a url" })).toThrow(/REDIS_URL/);
  });
});
