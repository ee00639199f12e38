import type { Job } from "bullmq";
import type { Exports } from "../conversation/exports/exports.js";
import type { ExportJobData } from "./payloads.js";

/**
 * The `render` job: a short hand-over. The export is recorded as due at once and the job ends; the
 * export poller of some worker process submits and polls it (`wake` tells this process's poller).
 */
export function createExportProcessor(exports: Pick<Exports, "handOver">, wake: () => void) {
  return async (job: Job<ExportJobData>): Promise<string> => {
    const outcome = await exports.handOver(job.data, job.id!);
    if (outcome === "handed-to-poller") wake();
    return outcome;
  };
}
