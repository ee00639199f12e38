import { describe, expect, it } from "vitest";
import { HttpServer } from "../src/app/http-server.js";
import { Metrics } from "../src/app/metrics.js";
import { silentLogger } from "../src/core/logger.js";
import { startBot } from "./helpers/bot-fixture.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

describe("the HTTP server", () => {
  it("answers /healthz, /metrics (with inbound counts and queue depths) and mounted routes", async () => {
    const bot = await startBot(redis.url);
    const metrics = new Metrics(bot.runtime.services.queues);
    const http = new HttpServer(bot.runtime.services.redis, metrics, silentLogger());
    http.mount("/slack/events", (_req, res) => res.writeHead(204).end());
    const port = await http.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${port}`;
    try {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", redis: "up" });

      await metrics.counting(bot.runtime.intake).handle({
        id: "m-1",
        ref: bot.ref("metrics"),
        user: { id: "u" },
        text: "credits",
        attachments: [],
      });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/nemo_inbound_events_total\{platform="console"\} 1/);
      expect(text).toMatch(/nemo_queue_jobs\{queue="turn",state="waiting"\} \d+/);
      expect(text).toMatch(/nemo_process_resident_memory_bytes/);

      expect((await fetch(`${base}/slack/events`, { method: "POST" })).status).toBe(204);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await http.close();
      await bot.dispose();
    }
  });
});
