import type { Timings } from "../../config/timings.js";
import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import { failureFields } from "../../core/conversation/failure-code.js";
import type { Attachment } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "../../core/conversation/replies.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { CallContext, NemoClient } from "../../core/nemo/client.js";
import type { UploadedFile } from "../../core/nemo/types.js";
import { assertUploadable } from "../../core/nemo/upload-rules.js";
import type { AccountStore } from "../../store/account-store.js";
import type { UploadMarker } from "../../store/upload-marker.js";
import type { Outbox } from "../outbox.js";
import { threadCalls } from "../thread-account.js";
import { ProgressMessage } from "../turn/progress-message.js";
import { type AttachmentSourceOptions, attachmentRead } from "./attachment-source.js";
import { uploadOnce } from "./upload-once.js";

/** A member's attachments to add to the thread's session, as the intake queued them. */
export interface UploadRequest {
  inboundId: string;
  refKey: string;
  userId?: string | undefined;
  lang: Lang;
  language: string;
  attachments: Attachment[];
  /** The acknowledgement to edit as the upload goes. */
  ackMessageId: string | undefined;
  /** The id of the work carrying the upload, in every log line. */
  workId: string | undefined;
}

/** "waiting": an earlier attempt left no trace yet; look again `at` (epoch ms), still at the head of the line. */
export type UploadOutcome =
  | { kind: "done" }
  | { kind: "waiting"; at: number; ackMessageId: string | undefined };

export interface UploadParts {
  marker: UploadMarker;
  sessions: Pick<SessionManager, "find" | "ensure" | "create">;
  accounts: Pick<AccountStore, "token">;
  client: Pick<NemoClient, "state" | "upload">;
  outbox: Pick<Outbox, "post" | "editOrPost">;
  timings: Pick<Timings, "editThrottleMs" | "recoveryDelaysMs">;
  logger: Logger;
  sources: AttachmentSourceOptions;
  maxBytes: number;
}

/** What one upload run works with. */
interface UploadRun {
  request: UploadRequest;
  ctx: CallContext;
  progress: ProgressMessage;
  log: Logger;
  signal: AbortSignal | undefined;
}

/**
 * Checks, then streams (or hands over) each attachment, and says what was added, only for files the
 * backend confirmed. Each file reaches the backend once (see upload-once.ts).
 */
export async function uploadAttachments(
  parts: UploadParts,
  request: UploadRequest,
  signal?: AbortSignal,
): Promise<UploadOutcome> {
  // Its final message was posted already (the work was retaken after that): nothing is sent or said again.
  if (await parts.marker.isDone(request.inboundId)) return { kind: "done" };
  const ref = parseRefKey(request.refKey);
  const progress = new ProgressMessage(parts.outbox, ref, request.ackMessageId, parts.timings.editThrottleMs);
  const log = parts.logger.child({ thread: request.refKey, job: request.workId, trace: request.inboundId });
  try {
    const calls = await threadCalls(parts, ref, { userId: request.userId, signal });
    const run: UploadRun = { request, ctx: calls.ctx, progress, log, signal };
    const added = await addAll(parts, run, calls.account);
    if ("at" in added) {
      progress.cancel();
      return { kind: "waiting", at: added.at, ackMessageId: progress.id };
    }
    await progress.finish({
      text: added.files.map((file) => describeUpload(file, request.lang)).join("\n"),
      actions: buttons(request.lang, ANSWER_ACTIONS),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    log.warn({ ...failureFields(error), err: String(error) }, "upload-failed");
    await progress.finish(errorReply(error, request.lang));
  }
  await parts.marker.markDone(request.inboundId);
  return { kind: "done" };
}

async function addAll(
  parts: UploadParts,
  run: UploadRun,
  account: Parameters<SessionManager["ensure"]>[3],
): Promise<{ files: UploadedFile[] } | { at: number }> {
  const { request, signal } = run;
  const ref = parseRefKey(request.refKey);
  let record = await parts.sessions.ensure(ref, request.language, signal, account);
  const added: UploadedFile[] = [];
  for (const [index, attachment] of request.attachments.entries()) {
    assertUploadable(attachment, parts.maxBytes);
    run.progress.update({ progress: text(request.lang, "upload_started", { name: attachment.name }) });
    const read = attachmentRead(attachment, ref, parts.sources, {
      maxBytes: parts.maxBytes,
      signal,
    });
    const result = await uploadOnce({
      marker: parts.marker,
      inboundId: request.inboundId,
      index,
      names: namesOf(attachment.name, attachment.url),
      sessionId: record.sessionId,
      settleMs: parts.timings.recoveryDelaysMs[0] ?? 30_000,
      state: (sessionId) => parts.client.state(run.ctx, sessionId),
      send: (sessionId) =>
        read.kind === "url"
          ? parts.client.upload(run.ctx, sessionId, { urls: [read.url] })
          : parts.client.upload(run.ctx, sessionId, {
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
        record = await parts.sessions.create(ref, request.language, signal);
        await parts.outbox.post(ref, { text: text(request.lang, "session_restarted") });
        return record.sessionId;
      },
      log: run.log,
    });
    if ("retryAt" in result) return { at: result.retryAt };
    added.push(...result.files.map((file) => ({ ...file, filename: file.filename || attachment.name })));
    run.log.info({ file: attachment.name, size: attachment.size, via: read.kind }, "upload-added");
  }
  return { files: added };
}

/** "Added clip.mp4 — 0:30, 1920×1080" (shorter when the backend did not say duration or size). */
function describeUpload(file: UploadedFile, lang: Lang): string {
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
