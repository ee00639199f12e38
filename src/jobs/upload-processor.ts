import type { Job } from "bullmq";
import { DelayedError } from "bullmq";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import type { Lang } from "../core/conversation/language.js";
import { text } from "../core/conversation/texts.js";
import type { UploadedFile } from "../core/nemo/types.js";
import { assertUploadable } from "../core/nemo/upload-rules.js";
import { type AttachmentSourceOptions, attachmentRead } from "./attachment-source.js";
import { leaveLine, takeTurnInLine } from "./line-gate.js";
import type { UploadJobData } from "./payloads.js";
import { ProgressMessage } from "./progress-message.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "./replies.js";
import type { JobServices } from "./services.js";

/** The `upload` worker: checks, then streams (or hands over) each attachment, and says what was added. */
export function createUploadProcessor(
  services: JobServices,
  sources: AttachmentSourceOptions,
  maxBytes: number,
) {
  const lineQueues = { turn: services.queues.turn, upload: services.queues.upload };
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
    const ctx = { platform: ref.platform, signal };
    const progress = new ProgressMessage(
      services.delivery,
      ref,
      data.ackMessageId,
      services.timings.editThrottleMs,
    );
    const log = services.logger.child({ thread: data.refKey, job: job.id });
    try {
      let record = await services.sessions.ensure(ref, data.language, signal);
      const added: UploadedFile[] = [];
      for (const [index, attachment] of data.attachments.entries()) {
        assertUploadable(attachment, maxBytes);
        progress.update({ progress: text(data.lang, "upload_started", { name: attachment.name }) });
        const read = attachmentRead(attachment, ref.platform, sources, { maxBytes, signal });
        const send = (sessionId: string) =>
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
              });
        // Never upload the same file twice: a retried or retaken job skips files it already sent.
        const marker = `${data.inboundId}:file:${index}`;
        if (
          !(await services.sent.claim(marker, { sessionId: record.sessionId, before: null, at: Date.now() }))
        ) {
          log.info({ file: attachment.name }, "upload-already-sent-skipped");
          added.push({ filename: attachment.name, fileType: "", cdnUrl: "" });
          continue;
        }
        let files: UploadedFile[];
        try {
          files = await send(record.sessionId);
        } catch (error) {
          if (!mayHaveReachedBackend(error)) await services.sent.release(marker);
          // 1002: the project is gone; start a new one for the thread and tell the user (NEMO-API.md).
          if ((error as { code?: unknown }).code !== "NEMO_SESSION_NOT_FOUND") throw error;
          record = await services.sessions.create(ref, data.language, signal);
          await services.delivery.post(ref, { text: text(data.lang, "session_restarted") });
          files = await send(record.sessionId);
          await services.sent.claim(marker, { sessionId: record.sessionId, before: null, at: Date.now() });
        }
        added.push(...files.map((file) => ({ ...file, filename: file.filename || attachment.name })));
        log.info({ file: attachment.name, size: attachment.size, via: read.kind }, "upload-added");
      }
      await progress.finish({
        text: added.map((file) => describeUpload(file, data.lang)).join("\n"),
        actions: buttons(data.lang, ANSWER_ACTIONS),
      });
    } catch (error) {
      if (error instanceof DelayedError || signal?.aborted) throw error;
      log.warn({ code: (error as { code?: unknown }).code, err: String(error) }, "upload-failed");
      await progress.finish(errorReply(error, data.lang));
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

/** False when the backend provably did not take the upload (a refusal, or it was never reached). */
function mayHaveReachedBackend(error: unknown): boolean {
  const { code, requestMayHaveReached } = error as { code?: unknown; requestMayHaveReached?: unknown };
  if (code === "NEMO_UNAVAILABLE") return requestMayHaveReached !== false;
  return code === "NEMO_STREAM_DROPPED" || code === "NEMO_ABORTED" || typeof code !== "string";
}
