import type { Attachment, Inbound } from "../core/conversation/inbound.js";
import type { Lang } from "../core/conversation/language.js";
import type { Reply } from "../core/conversation/reply.js";
import type { Intent } from "../core/conversation/router.js";

/** Queue names (no ':' allowed by BullMQ). */
export const QUEUE = {
  turn: "turn",
  upload: "upload",
  render: "render",
  deliver: "deliver",
  command: "command",
} as const;

interface ThreadJob {
  /** The inbound event this work answers (its id makes the work unique). */
  inboundId: string;
  refKey: string;
  /** Who sent it, and their locale when the platform said it (else a worker looks it up). */
  userId?: string | undefined;
  /** The platform said the sender is an admin (quotas may exempt them); else a worker may look it up. */
  admin?: boolean | undefined;
  locale?: string | undefined;
  /** Language of the user-facing texts. */
  lang: Lang;
  /** Backend session language, used when the thread gets a session. */
  language: string;
}

/**
 * One user message to send to `/run_sse` (exactly once). What workers learn about it later (its
 * acknowledgement, recovery and backend-wait counters) is kept in its `WorkRecord`, not here.
 */
export interface TurnJobData extends ThreadJob {
  text: string;
  /** The sender pressed Continue on the credits guard's question: not asked again. */
  confirmed?: boolean | undefined;
}

export interface UploadJobData extends ThreadJob {
  attachments: Attachment[];
}

export interface RenderJobData {
  refKey: string;
  /** The inbound event that asked for the export: in every log line of it. */
  trace?: string | undefined;
  /** Who asked for it: they may cancel it (besides the thread's owner and admins); the video goes into their history. */
  userId?: string | undefined;
  lang: Lang;
  ackMessageId?: string | undefined;
  /** The render id being polled; absent before submission. */
  renderId?: string | undefined;
  /** The id of a submission about to leave, recorded first: a retaken job looks it up instead of submitting again. */
  submitting?: string | undefined;
  /** 1 for the first submission, 2 for the one retry with a new id. */
  submission: number;
  /** When the current submission started (epoch ms), to give up after the render timeout. */
  submittedAt?: number | undefined;
  lastProgress?: number | undefined;
}

/** A post or edit that failed and is retried by the outbox without redoing any work. */
export interface DeliverJobData {
  refKey: string;
  op: "post" | "edit";
  messageId?: string | undefined;
  reply: Reply;
  /** A post: ids of the parts (platform messages) already delivered, in order; the rest is still due. */
  partIds?: string[] | undefined;
  /** An edit: the message's revision when it was queued; a newer one means newer content, so skip. */
  revision?: number | undefined;
}

/** An inbound event the bot answers itself (credits, status, export, cancel, …), or one that opens a thread. */
export interface CommandJobData {
  inbound: Inbound;
  intent: Intent;
}
