import type { Job } from "bullmq";
import { refusedByQueuedLimit } from "../conversation/policies/queued-limit.js";
import { PrivateMode } from "../conversation/private-mode.js";
import type { AttachmentSourceOptions } from "../conversation/uploads/attachment-source.js";
import { UserLocales } from "../conversation/user-locales.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { BackendWaitNotice } from "../store/backend-wait-notice.js";
import { PrivateButtons } from "../store/private-buttons.js";
import { QuickReplyRecords } from "../store/quick-reply-records.js";
import { UploadMarker } from "../store/upload-marker.js";
import { VariationSources } from "../store/variation-batches.js";
import { WorkRecords } from "../store/work-records.js";
import { type LineJobParts, lineJobFailed } from "./line-job.js";
import type { TurnJobData, UploadJobData } from "./payloads.js";
import type { JobServices } from "./services.js";
import { createTurnProcessor } from "./turn-processor.js";
import { createUploadProcessor } from "./upload-processor.js";

/** The processors of the work that stands in thread lines (turns and uploads), wired from the services. */
export function lineProcessors(
  services: JobServices,
  options: { sources: AttachmentSourceOptions; maxUploadBytes: number; messengers: Messengers },
) {
  const { redis, keys } = services;
  const parts: LineJobParts = {
    line: services.line,
    records: new WorkRecords(redis, keys),
    queues: { turn: services.queues.turn, upload: services.queues.upload },
    lineRecheckMs: services.timings.lineRecheckMs,
    logger: services.logger,
    outbox: services.outbox,
    locales: new UserLocales(options.messengers),
    privacy: new PrivateMode({
      settings: services.settings,
      messengers: options.messengers,
      outbox: services.outbox,
      logger: services.logger,
      buttons: new PrivateButtons(redis, keys),
    }),
  };
  const uploads = {
    ...services,
    marker: new UploadMarker(redis, keys),
    sources: options.sources,
    maxBytes: options.maxUploadBytes,
  };
  return {
    turn: createTurnProcessor(
      {
        ...services,
        waitNotice: new BackendWaitNotice(redis, keys),
        // Quick replies
        quickReplies: new QuickReplyRecords(redis, keys),
        // Variations
        variationSources: new VariationSources(redis, keys),
      },
      {
        ...parts,
        refuseFirst: (data, entry, ahead) => refusedByQueuedLimit({ ...data, entry, ahead }, services),
      },
    ),
    upload: createUploadProcessor(uploads, parts),
    /** A turn or upload job that will not run again: its line is freed and its sender told. */
    failed: (job: Job<TurnJobData | UploadJobData>) => lineJobFailed(job, parts),
  };
}
