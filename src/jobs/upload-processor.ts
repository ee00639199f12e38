import { type UploadParts, uploadAttachments } from "../conversation/uploads/upload-attachments.js";
import { type LineJobParts, lineJob } from "./line-job.js";
import type { UploadJobData } from "./payloads.js";

/** The `upload` worker: adds a message's attachments to its thread's session (see conversation/uploads/). */
export function createUploadProcessor(deps: UploadParts, parts: LineJobParts) {
  return lineJob<UploadJobData>(parts, async (job, data, record, signal, _ack, privately) => {
    const request = { ...data, ackMessageId: record.ackMessageId, workId: job.id };
    const outcome = await uploadAttachments(
      privately ? { ...deps, outbox: privately } : deps,
      request,
      signal,
    );
    if (outcome.kind === "done") return outcome;
    return { kind: "waiting", at: outcome.at, record: { ackMessageId: outcome.ackMessageId } };
  });
}
