import type { Reply } from "../core/conversation/reply.js";

/** A post or edit that failed and is retried by the outbox without redoing any work (a `deliver` job). */
export interface OutboxDelivery {
  refKey: string;
  op: "post" | "edit";
  messageId?: string | undefined;
  reply: Reply;
  /** A post: ids of the parts (platform messages) delivered before it was queued, in order; the rest is due. */
  partIds?: string[] | undefined;
  /** An edit: the message's revision when it was queued; a newer one means newer content, so skip. */
  revision?: number | undefined;
}

/** Where deliveries wait to be retried: the `deliver` queue (implemented in src/jobs/). */
export interface OutboxQueue {
  /**
   * Queues a delivery, tried first after `delayMs`; a delivery with the `id` of one queued before is
   * not queued again.
   */
  add(outbox: OutboxDelivery, options: { delayMs?: number; id?: string }): Promise<void>;
}
