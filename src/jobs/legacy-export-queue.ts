import { Queue } from "bullmq";
import type { Logger } from "../core/logger.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "../store/keys.js";
import type { ExportJobData } from "./payloads.js";
import type { Queues } from "./queues.js";

/** What the export queue was called before 0.2. */
const LEGACY_NAME = "render";

/**
 * Moves exports still waiting in the queue of an older version (`render`) into the `export` queue, under
 * the same job ids, so an upgrade loses none. Idempotent: adding an existing id is a no-op, and a job is
 * removed from the old queue only once it is in the new one.
 */
export async function adoptLegacyExportJobs(
  connection: RedisClient,
  keys: Keys,
  target: Queues["export"],
  logger: Logger,
): Promise<void> {
  // Opening a queue writes its meta key: a deployment that never had the old queue gets none.
  if ((await connection.exists(`${keys.bull}:${LEGACY_NAME}:meta`)) === 0) return;
  const legacy = new Queue<ExportJobData>(LEGACY_NAME, { connection, prefix: keys.bull });
  try {
    const jobs = await legacy.getJobs(["waiting", "delayed", "prioritized", "paused"]);
    for (const job of jobs) {
      if (!job?.id) continue;
      await target.add(target.name, job.data, { ...job.opts, jobId: job.id, delay: 0 });
      await job.remove();
    }
    if (jobs.length > 0) logger.info({ moved: jobs.length }, "legacy-export-jobs-adopted");
  } finally {
    await legacy.close();
  }
}
