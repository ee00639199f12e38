import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Outbox } from "../outbox.js";

/**
 * One message edited in place as work progresses, at most one edit per `throttleMs` (the latest
 * content wins: updates in between coalesce), the final one included. A rate-limited or failing
 * progress edit is skipped (the next one or `finish` writes newer content); only when the message can
 * never be edited again is the next content posted as a new message, edited from then on.
 */
export class ProgressMessage {
  private pending: Reply | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastEdit = 0;
  private chain: Promise<void>;
  private finishing = false;
  private messageId: string | undefined;
  /** The message being posted when this began (an acknowledgement posted beside the work). */
  private readonly posted: Promise<void>;
  private detached = false;
  /**
   * No edit of the message was ever queued in the outbox: it was posted in this run (or is about to
   * be), and no final content was written to it yet (only a failed final write queues one).
   */
  private unqueued: boolean;

  /** `message`: the message to edit, or its post still under way (every write waits for it). */
  constructor(
    private readonly outbox: Pick<Outbox, "editOrPost">,
    private readonly ref: ConversationRef,
    message: string | undefined | Promise<string | undefined>,
    private readonly throttleMs: number,
  ) {
    this.unqueued = typeof message !== "string";
    if (typeof message === "object") {
      this.posted = message.then((id) => {
        if (!this.detached) this.messageId ??= id;
      });
    } else {
      this.messageId = message;
      this.posted = Promise.resolve();
    }
    this.chain = this.posted;
  }

  /** The message's id as known now (see `currentId` while the first post may be under way). */
  get id(): string | undefined {
    return this.messageId;
  }

  /** The message's id once the post under way at the start (if any) ended. */
  async currentId(): Promise<string | undefined> {
    await this.posted;
    return this.messageId;
  }

  /** Shows `reply` soon (coalesced with later updates). */
  update(reply: Reply): void {
    if (this.finishing) return;
    this.pending = reply;
    if (this.timer) return;
    const wait = Math.max(0, this.lastEdit + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A progress edit that cannot be delivered is skipped; the final content is written by `finish`.
      this.chain = this.chain.then(() => this.write()).catch(() => undefined);
    }, wait);
  }

  /**
   * Replaces pending updates with the final content, written as soon as the pacing allows (durable:
   * retried by the outbox when it cannot be written now); resolves to the message id.
   */
  async finish(reply: Reply): Promise<string | undefined> {
    this.finishing = true;
    try {
      this.cancel();
      await this.chain;
      this.pending = reply;
      await this.write(true);
      return this.messageId;
    } finally {
      this.finishing = false;
    }
  }

  /** Leaves the current message as it is; what comes next is posted as a new message (a fresh notification). */
  detach(): void {
    this.cancel();
    this.detached = true;
    this.messageId = undefined;
  }

  /** Drops pending updates and waits for an edit under way (the message is about to go away). */
  async settle(): Promise<void> {
    this.cancel();
    await this.chain;
  }

  /** Drops pending updates (the job is leaving the message as it is). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  /** Only the final content is durable (outbox); a progress message that cannot be shown is skipped. */
  private async write(durable = false): Promise<void> {
    // Platforms rate-limit edits of one message (Slack about one a second): every edit, the final one
    // too, starts at least `throttleMs` after the previous one ended. Updates meanwhile coalesce.
    const wait = this.messageId ? this.lastEdit + this.throttleMs - Date.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const reply = this.pending;
    this.pending = undefined;
    if (!reply) return;
    const unqueued = this.unqueued;
    if (durable) this.unqueued = false;
    try {
      this.messageId = await this.outbox.editOrPost(this.ref, this.messageId, reply, { durable, unqueued });
    } finally {
      this.lastEdit = Date.now();
    }
  }
}
