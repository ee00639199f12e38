import type { Job } from "bullmq";
import { DelayedError } from "bullmq";
import { threadCalls } from "../conversation/thread-account.js";
import { ProgressMessage } from "../conversation/turn/progress-message.js";
import { type AttachmentSourceOptions, attachmentRead } from "../conversation/uploads/attachment-source.js";
import { uploadOnce } from "../conversation/uploads/upload-once.js";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import type { Lang } from "../core/conversation/language.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "../core/conversation/replies.js";
import { text } from "../core/conversation/texts.js";
import type { CallContext } from "../core/nemo/client.js";
import type { UploadedFile } from "../core/nemo/types.js";
import { assertUploadable } from "../core/nemo/upload-rules.js";
import { UploadMarker } from "../store/upload-marker.js";
import { leaveLine, takeTurnInLine } from "./line-gate.js";
import type { UploadJobData } from "./payloads.js";
import type { JobServices } from "./services.js";

/**
 * The `upload` worker: checks, then streams (or hands over) each attachment, and says what was added,
 * only for files the backend confirmed. Each file reaches the backend once (see upload-once.ts).
 */
export function createUploadProcessor(
  services: JobServices,
  sources: AttachmentSourceOptions,
  maxBytes: number,
) {
  const lineQueues = { turn: services.queues.turn, upload: services.queues.upload };
  const marker = new UploadMarker(services.redis, services.keys);
  return async (job: Job<UploadJobData>, token?: string, signal?: AbortSignal): Promise<string> => {
    const { data } = job;
    const go = await takeTurnInLine(
      job,
      token,
      services.line,
      data.refKey,
      lineQueues,
      services.timings.lineRecheckMs,
      services.logger,
    );
    if (!go) return "withdrawn";
    const ref = parseRefKey(data.refKey);
    let ctx: CallContext = { platform: ref.platform, signal };
    const progress = new ProgressMessage(
      services.delivery,
      ref,
      data.ackMessageId,
      services.timings.editThrottleMs,
    );
    const log = services.logger.child({ thread: data.refKey, job: job.id, trace: data.inboundId });
    // Its final message was posted already (the job was retaken after that): nothing is sent or said again.
    if (!(await marker.isDone(data.inboundId))) {
      try {
        const calls = await threadCalls(services, ref, { userId: data.userId, signal });
        ctx = calls.ctx;
        let record = await services.sessions.ensure(ref, data.language, signal, calls.account);
        const added: UploadedFile[] = [];
        for (const [index, attachment] of data.attachments.entries()) {
          assertUploadable(attachment, maxBytes);
          progress.update({ progress: text(data.lang, "upload_started", { name: attachment.name }) });
          const read = attachmentRead(attachment, ref.platform, sources, { maxBytes, signal });
          const result = await uploadOnce({
            marker,
            inboundId: data.inboundId,
            index,
            names: namesOf(attachment.name, attachment.url),
            sessionId: record.sessionId,
            settleMs: services.timings.recoveryDelaysMs[0] ?? 30_000,
            state: (sessionId) => services.client.state(ctx, sessionId),
            send: (sessionId) =>
              read.kind === "url"
                ? services.client.upload(ctx, sessionId, { urls: [read.url] })
                : services.client.upload(ctx, sessionId, {
                    files: [
                      {
                        name: attachment.name,
                        size: attachment.size,
                        contentType: attachment.contentType,
                        open: read.open,
                      },
                    ],
                  }),
            restartSession: async () => {
              record = await services.sessions.create(ref, data.language, signal);
              await services.delivery.post(ref, { text: text(data.lang, "session_restarted") });
              return record.sessionId;
            },
            log,
          });
          if ("retryAt" in result) {
            // An earlier attempt left no trace yet: look again later, still at the head of the line.
            progress.cancel();
            await job.updateData({ ...data, ackMessageId: progress.id });
            await job.moveToDelayed(result.retryAt, token);
            throw new DelayedError();
          }
          added.push(
            ...result.files.map((file) => ({ ...file, filename: file.filename || attachment.name })),
          );
          log.info({ file: attachment.name, size: attachment.size, via: read.kind }, "upload-added");
        }
        await progress.finish({
          text: added.map((file) => describeUpload(file, data.lang)).join("\n"),
          actions: buttons(data.lang, ANSWER_ACTIONS),
        });
      } catch (error) {
        if (error instanceof DelayedError || signal?.aborted) throw error;
        log.warn({ ...failureFields(error), err: String(error) }, "upload-failed");
        await progress.finish(errorReply(error, data.lang));
      }
      await marker.markDone(data.inboundId);
    }
    await leaveLine(job, services.line, data.refKey, lineQueues, services.logger);
    return "done";
  };
}

/** "Added clip.mp4 — 0:30, 1920×1080" (shorter when the backend did not say duration or size). */
export function describeUpload(file: UploadedFile, lang: Lang): string {
  const name = file.filename;
  const hasSize = file.width !== undefined && file.height !== undefined;
  const duration = file.duration !== undefined ? clock(file.duration) : undefined;
  if (duration && hasSize) {
    return text(lang, "upload_added", { name, duration, width: file.width!, height: file.height! });
  }
  if (hasSize)
    return text(lang, "upload_added_no_duration", { name, width: file.width!, height: file.height! });
  if (duration) return text(lang, "upload_added_no_size", { name, duration });
  return text(lang, "upload_added_plain", { name });
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** The names the backend may list the file under: its own, and the last segment of its URL. */
function namesOf(name: string, url: string): string[] {
  const path = url.split(/[?#]/)[0] ?? "";
  let last = path.slice(path.lastIndexOf("/") + 1);
  try {
    last = decodeURIComponent(last);
  } catch {
    // kept as it is
  }
  return last && last !== name ? [name, last] : [name];
}
