import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/core/logger.js";
import { adoptLegacyExportJobs } from "../src/jobs/legacy-export-queue.js";
import { closeQueues, createQueues } from "../src/jobs/queues.js";
import { ExportStore } from "../src/store/export-store.js";
import { Keys } from "../src/store/keys.js";
import { useRedisServer } from "./helpers/redis-server.js";

const server = useRedisServer();
let redis: Redis;
beforeAll(() => {
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterAll(() => redis.disconnect());

describe("an upgrade from the `render` names", () => {
  it("moves exports waiting in the old `render` queue into `export`, under their ids, once", async () => {
    const keys = new Keys(`le${randomUUID().slice(0, 8)}`);
    const legacy = new Queue("render", { connection: redis, prefix: keys.bull });
    const data = { refKey: "console:local:main:t1", lang: "en" as const, userId: "u1" };
    await legacy.add("render", data, { jobId: "render-abc", delay: 3_600_000, attempts: 3 });
    const queues = createQueues(redis, keys);
    try {
      await adoptLegacyExportJobs(redis, keys, queues.export, silentLogger());
      await adoptLegacyExportJobs(redis, keys, queues.export, silentLogger());
      const moved = await queues.export.getJobs(["waiting", "delayed"]);
      expect(moved.map((job) => [job.id, job.data, job.opts.attempts])).toEqual([["render-abc", data, 3]]);
      expect(await legacy.getJobs(["waiting", "delayed"])).toEqual([]);
    } finally {
      await legacy.close();
      await closeQueues(queues);
    }
  });

  it("adopts the old due set of waiting exports, keeping the earlier due time", async () => {
    const keys = new Keys(`le${randomUUID().slice(0, 8)}`);
    await redis.zadd(keys.legacyExportsDue(), 100, "render-a", 300, "render-b");
    await redis.zadd(keys.exportsDue(), 200, "render-b", 400, "export-c");
    await new ExportStore(redis, keys).adoptLegacyDue();
    expect(await redis.zrange(keys.exportsDue(), 0, -1, "WITHSCORES")).toEqual([
      "render-a",
      "100",
      "render-b",
      "200",
      "export-c",
      "400",
    ]);
    expect(await redis.exists(keys.legacyExportsDue())).toBe(0);
  });
});
