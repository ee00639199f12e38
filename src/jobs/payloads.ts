import type { OutboxDelivery } from "../conversation/outbox-queue.js";
import type { WorkPayloads } from "../conversation/work-queue.js";

/** Queue names (no ':' allowed by BullMQ). */
export const QUEUE = {
  turn: "turn",
  upload: "upload",
  export: "export",
  deliver: "deliver",
  command: "command",
} as const;

/**
 * One user message to send to `/run_sse` (exactly once). What workers learn about it later (its
 * acknowledgement, recovery and backend-wait counters) is kept in its `WorkRecord`, not here.
 */
export type TurnJobData = WorkPayloads["turn"];

/** The files of one message, each sent to the backend once. */
export type UploadJobData = WorkPayloads["upload"];

/** Asks for an export of the thread's draft (the `render` queue). */
export type ExportJobData = WorkPayloads["export"];

/** A post or edit retried by the outbox (the `deliver` queue). */
export type DeliverJobData = OutboxDelivery;

/** An inbound event the bot answers itself (credits, status, export, cancel, …), or one that opens a thread. */
export type CommandJobData = WorkPayloads["command"];

/** Each queue's job data, by queue. */
export interface JobData {
  turn: TurnJobData;
  upload: UploadJobData;
  export: ExportJobData;
  deliver: DeliverJobData;
  command: CommandJobData;
}
