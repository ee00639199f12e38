import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Health } from "../src/app/health.js";
import { HttpServer } from "../src/app/http-server.js";
import { silentLogger } from "../src/core/logger.js";
import { freePort } from "./helpers/free-port.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

async function serve(health: Health) {
  const http = new HttpServer(health, silentLogger());
  http.mount("/slack/events", (_req, res) => res.writeHead(204).end());
  const port = await http.listen(0, "127.0.0.1");
  return { http, base: `http://127.0.0.1:${port}` };
}

describe("the public HTTP server", () => {
  it("answers /healthz and mounted routes, and has no /metrics", async () => {
    const client = new Redis(redis.url);
    const { http, base } = await serve(new Health(client));
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", redis: "up", reasons: [] });
      expect((await fetch(`${base}/slack/events`, { method: "POST" })).status).toBe(204);
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect((await fetch(`${base}/queues`)).status).toBe(404);
    } finally {
      await http.close();
      client.disconnect();
    }
  });

  it("reports degraded reasons with 200, and 503 when Redis is unreachable", async () => {
    const client = new Redis(redis.url);
    const health = new Health(client);
    const { http, base } = await serve(health);
    // Nothing listens there: every command fails at once.
    const dead = new Redis({
      port: await freePort(),
      host: "127.0.0.1",
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on("error", () => undefined);
    const down = await serve(new Health(dead));
    try {
      health.setDegraded("backend-circuit-open", true);
      const degraded = await fetch(`${base}/healthz`);
      expect(degraded.status).toBe(200);
      expect(await degraded.json()).toEqual({
        status: "degraded",
        redis: "up",
        reasons: ["backend-circuit-open"],
      });
      health.setDegraded("backend-circuit-open", false);
      expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ status: "ok", reasons: [] });

      const unreachable = await fetch(`${down.base}/healthz`);
      expect(unreachable.status).toBe(503);
      expect(await unreachable.json()).toEqual({
        status: "degraded",
        redis: "down",
        reasons: ["redis-unreachable"],
      });
    } finally {
      await http.close();
      await down.http.close();
      client.disconnect();
      dead.disconnect();
    }
  });
});
