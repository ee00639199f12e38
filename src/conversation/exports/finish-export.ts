import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import { failureFields } from "../../core/conversation/failure-code.js";
import type { Lang } from "../../core/conversation/language.js";
import { ANSWER_ACTIONS, buttons } from "../../core/conversation/replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { CallContext } from "../../core/nemo/client.js";
import { draftDurationMs } from "../../core/nemo/timeline-summary.js";
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

/** The finished video, with "Open in NemoVideo" (a claim link) when one can be had. */
export async function completedReply(
  deps: Pick<ExportDeps, "claims">,
  ctx: CallContext,
  lang: Lang,
  url: string,
  session: ConversationRecord | undefined,
  log: Pick<Logger, "warn">,
): Promise<CompletedReply> {
  let links: CompletedReply["links"] = [];
  if (session) {
    try {
      links = [{ label: text(lang, "task_link_label"), url: await deps.claims.link(ctx, session) }];
    } catch (error) {
      // The video matters more than the link: it is posted without one.
      log.warn({ ...failureFields(error) }, "claim-link-failed");
    }
  }
  return {
    text: text(lang, "export_done", { url }),
    video: { url, fileName: videoFileName(url) },
    links,
    actions: buttons(lang, ANSWER_ACTIONS),
  };
}

/** Adds the finished video to the history of the user who asked for it (with the draft's length). */
export async function rememberExport(
  deps: Pick<ExportDeps, "client" | "remember">,
  exported: Pick<PendingExport, "userId" | "refKey">,
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
    projectUrl: reply.links[0]?.url,
  });
}

/** The MP4's file name as the output URL gives it (`render_<id>.mp4`), else `video.mp4`. */
function videoFileName(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  return /^[\w.-]+\.mp4$/i.test(last) ? last : "video.mp4";
}
