import type { Queue } from "bullmq";
import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Reply } from "../core/conversation/reply.js";
import type { Logger } from "../core/logger.js";
import type { DeliverJobData } from "./payloads.js";
import type { Timings } from "./timings.js";

/**
 * Posts and edits in threads. A failed post goes to the outbox (the `deliver` queue), which retries it
 * on its own: the stream, render or upload that produced it is never run again for it.
 */
export class Delivery {
  constructor(
    private readonly messengers: Messengers,
    private readonly outbox: Queue<DeliverJobData>,
    private readonly timings: Pick<Timings, "deliverAttempts" | "deliverBackoffMs">,
    private readonly logger: Logger,
  ) {}

  /**
   * Posts now, or (durable, the default) queues the post for retry; resolves to the message id when it
   * was posted now. Non-durable posts (progress lines, soon outdated) are dropped on failure instead.
   */
  async post(
    ref: ConversationRef,
    reply: Reply,
    options: { durable?: boolean } = {},
  ): Promise<string | undefined> {
    try {
      return await this.messenger(ref).post(ref, reply);
    } catch (error) {
      const durable = options.durable !== false;
      this.logger.warn(
        { thread: refKey(ref), err: errorMessage(error), queued: durable },
        "delivery-post-failed",
      );
      if (durable) await this.enqueue({ refKey: refKey(ref), op: "post", reply });
      return undefined;
    }
  }

  /** Edits; false when the platform refused (old or deleted message, rate limit, outage). */
  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<boolean> {
    try {
      await this.messenger(ref).edit(ref, messageId, reply);
      return true;
    } catch (error) {
      this.logger.info({ thread: refKey(ref), err: errorMessage(error) }, "delivery-edit-failed");
      return false;
    }
  }

  /** Edits the message when there is one, else (or when the edit fails) posts a new one. */
  async editOrPost(
    ref: ConversationRef,
    messageId: string | undefined,
    reply: Reply,
    options: { durable?: boolean } = {},
  ): Promise<string | undefined> {
    if (messageId && (await this.edit(ref, messageId, reply))) return messageId;
    return this.post(ref, reply, options);
  }

  /** Runs one outbox delivery (the deliver worker); throws so BullMQ retries with backoff. */
  async deliver(data: DeliverJobData, ref: ConversationRef): Promise<void> {
    const messenger = this.messenger(ref);
    if (data.op === "edit" && data.messageId) {
      await messenger.edit(ref, data.messageId, data.reply);
    } else {
      await messenger.post(ref, data.reply);
    }
  }

  private async enqueue(data: DeliverJobData): Promise<void> {
    await this.outbox.add("deliver", data, {
      attempts: this.timings.deliverAttempts,
      backoff: { type: "exponential", delay: this.timings.deliverBackoffMs },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  private messenger(ref: ConversationRef) {
    const messenger = this.messengers[ref.platform];
    if (!messenger) throw new Error(`no messenger for ${ref.platform} in this process`);
    return messenger;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
