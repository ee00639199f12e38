import type { OutboxDelivery } from "../conversation/outbox-queue.js";
import type { Attachment, Inbound } from "../core/conversation/inbound.js";
import type { Lang } from "../core/conversation/language.js";
import type { Intent } from "../core/conversation/router.js";
import type { ExportRequest } from "../store/export-store.js";

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

/** Asks for an export of the thread's draft (the `render` queue). */
export type ExportJobData = ExportRequest;

/** A post or edit retried by the outbox (the `deliver` queue). */
export type DeliverJobData = OutboxDelivery;

/** An inbound event the bot answers itself (credits, status, export, cancel, …), or one that opens a thread. */
export interface CommandJobData {
  inbound: Inbound;
  intent: Intent;
}

/** Each queue's job data, by queue. */
export interface JobData {
  turn: TurnJobData;
  upload: UploadJobData;
  render: ExportJobData;
  deliver: DeliverJobData;
  command: CommandJobData;
}
