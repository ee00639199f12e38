import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import { ANSWER_ACTIONS, buttons } from "../../core/conversation/replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { CallContext } from "../../core/nemo/client.js";
import { draftDurationMs } from "../../core/nemo/timeline-summary.js";
import type { ExportReference } from "../../store/export-references.js";
import type { PendingExport } from "../../store/export-store.js";
import type { ExportDeps } from "./export-deps.js";

/** The finished video's reply: the video, "Open in NemoVideo" when a link could be had, the next actions. */
interface CompletedReply extends Reply {
  video: NonNullable<Reply["video"]>;
  links: NonNullable<Reply["links"]>;
}

/**
 * The final message: edits the export's message (or posts) through the outbox, as a delivery whose id
 * is the export's, so a poller that dies between the hand-over and the record's removal, and the one
 * that takes over, deliver it once. Then the record, its due entry and the thread's export lock go in
 * one step.
 */
export async function finishExport(
  deps: Pick<ExportDeps, "outbox" | "store">,
  record: PendingExport,
  reply: Reply,
): Promise<void> {
  const ref = parseRefKey(record.refKey);
  // The id keeps the name it had as a `render` job: an export finished across an upgrade stays one message.
  await deps.outbox.deliverLater(ref, record.ackMessageId, reply, `export-final-${record.id}`);
  await deps.store.finish(record);
}

/**
 * The finished video, with its project: "Open in NemoVideo" itself with `CLAIM_LINKS=public`, else the
 * button that hands a fresh link privately (see `ProjectLinks`); and the export's reference.
 */
export async function completedReply(
  deps: Pick<ExportDeps, "projectLinks">,
  record: Pick<PendingExport, "id" | "refKey" | "userId" | "lang">,
  ctx: CallContext,
  url: string,
  session: ConversationRecord | undefined,
  log: Pick<Logger, "warn">,
): Promise<{ reply: CompletedReply; reference: ExportReference | undefined }> {
  const { lang } = record;
  const project = await deps.projectLinks.forFinished(record, session, ctx, log);
  const reply: CompletedReply = {
    text: text(lang, "export_done", { url }),
    video: { url, fileName: videoFileName(url) },
    links: project.links,
    actions: [...project.actions, ...buttons(lang, ANSWER_ACTIONS)],
  };
  return { reply, reference: project.reference };
}

/**
 * Adds the finished video to the history of the user who asked for it (with the draft's length): the
 * project's reference, from which `/history` issues fresh links; never a link itself.
 */
export async function rememberExport(
  deps: Pick<ExportDeps, "client" | "remember">,
  exported: Pick<PendingExport, "id" | "userId" | "refKey">,
  ctx: CallContext,
  session: ConversationRecord | undefined,
  reply: CompletedReply,
): Promise<void> {
  if (!exported.userId) return;
  const draft = session ? (await deps.client.state(ctx, session.sessionId)).draft : undefined;
  await deps.remember(parseRefKey(exported.refKey).platform, exported.userId, {
    refKey: exported.refKey,
    at: Date.now(),
    title: reply.video.fileName,
    durationMs: draft ? draftDurationMs(draft) : undefined,
    url: reply.video.url,
    fileName: reply.video.fileName,
    exportId: session ? exported.id : undefined,
  });
}

/** The MP4's file name as the output URL gives it (`render_<id>.mp4`), else `video.mp4`. */
function videoFileName(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  return /^[\w.-]+\.mp4$/i.test(last) ? last : "video.mp4";
}
