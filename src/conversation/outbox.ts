import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { isMessageGone, rateLimitWaitMs } from "../core/conversation/delivery-error.js";
import type { LiveTurn, LiveTurnInfo, Messenger, Messengers } from "../core/conversation/messenger.js";
import type { Reply } from "../core/conversation/reply.js";
import type { Logger } from "../core/logger.js";
import type { MessageRecords } from "../store/message-records.js";
import type { OutboxDelivery, OutboxQueue } from "./outbox-queue.js";

/**
 * Posts and edits in threads. A failed post goes to the outbox (the `deliver` queue), which retries it
 * on its own: the stream, export or upload that produced it is never run again for it.
 *
 * Never twice: a reply that takes several platform messages is delivered part by part, and the outbox
 * resumes at the first part not yet delivered. An edit replaces every part of a long message in place
 * (their ids are kept in {@link MessageRecords}) and posts only the parts it never had. A rate-limited
 * or failing edit is retried as an edit; only a message that can never be edited again (deleted, too
 * old: `MESSAGE_GONE`) makes its content a new message. A delivery the outbox runs keeps the parts it
 * posted in {@link MessageRecords} too, so a retry resumes after them.
 */
export class Outbox {
  constructor(
    private readonly messengers: Messengers,
    private readonly queue: OutboxQueue,
    private readonly logger: Logger,
    private readonly records: MessageRecords,
  ) {}

  /**
   * Posts now, or (durable, the default) queues what is still due for retry; resolves to the id of the
   * message (its first part) once that was posted. Non-durable posts (progress messages, soon outdated)
   * are dropped on failure instead.
   */
  async post(
    ref: ConversationRef,
    reply: Reply,
    options: { durable?: boolean } = {},
  ): Promise<string | undefined> {
    const posted: string[] = [];
    try {
      await this.postParts(ref, reply, posted);
    } catch (error) {
      const durable = options.durable !== false;
      this.logger.warn(
        { thread: refKey(ref), err: errorMessage(error), delivered: posted.length, queued: durable },
        "delivery-post-failed",
      );
      if (durable) await this.enqueue({ refKey: refKey(ref), op: "post", reply, partIds: posted }, error);
    }
    return posted[0];
  }

  /** Edits; false when the platform refused (old or deleted message, rate limit, outage). */
  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<boolean> {
    try {
      await this.editParts(ref, messageId, reply);
      return true;
    } catch (error) {
      this.logger.info({ thread: refKey(ref), err: errorMessage(error) }, "delivery-edit-failed");
      return false;
    }
  }

  /**
   * Edits the message when there is one, else posts a new one. When the message can never be edited
   * again, the reply is posted as a new message. Any other failed edit (a rate limit longer than the
   * messenger waits, an outage) leaves the message as it is: a durable edit (the default) is retried by
   * the outbox, a non-durable one (a progress message) is skipped. Resolves to the message's id.
   */
  async editOrPost(
    ref: ConversationRef,
    messageId: string | undefined,
    reply: Reply,
    options: {
      durable?: boolean;
      /** No edit of the message was ever queued (it has no revision to raise): see `editParts`. */
      unqueued?: boolean;
    } = {},
  ): Promise<string | undefined> {
    if (!messageId) return this.post(ref, reply, options);
    try {
      await this.editParts(ref, messageId, reply, options.durable === false || options.unqueued === true);
      return messageId;
    } catch (error) {
      if (isMessageGone(error)) {
        this.logger.info({ thread: refKey(ref), err: errorMessage(error) }, "delivery-edit-gone-posting");
        return this.post(ref, reply, options);
      }
      const durable = options.durable !== false;
      this.logger.info(
        { thread: refKey(ref), err: errorMessage(error), queued: durable },
        "delivery-edit-failed",
      );
      if (durable) {
        const revision = await this.records.bump(ref, messageId);
        await this.enqueue({ refKey: refKey(ref), op: "edit", messageId, reply, revision }, error);
      }
      return messageId;
    }
  }

  /**
   * Leaves `reply` to the outbox (the final content of work that ends now): it edits the message, or
   * posts when there is none. Queued once per `id`, however often this is called with it.
   */
  async deliverLater(
    ref: ConversationRef,
    messageId: string | undefined,
    reply: Reply,
    id: string,
  ): Promise<void> {
    const delivery: OutboxDelivery = messageId
      ? { refKey: refKey(ref), op: "edit", messageId, reply }
      : { refKey: refKey(ref), op: "post", reply };
    await this.queue.add(delivery, { id });
  }

  /**
   * Runs one outbox delivery (`deliveryId`: the same for each of its attempts); throws so the outbox
   * retries it. The parts posted so far are kept in the delivery's record, so a retry resumes after them.
   */
  async deliver(data: OutboxDelivery, ref: ConversationRef, deliveryId: string): Promise<void> {
    // A delivery that has begun posting (or turned from an edit into a post) resumes posting.
    let posted = await this.records.readPosted(ref, deliveryId);
    if (posted === undefined && data.op === "edit" && data.messageId) {
      if (await this.editDelivered(data, ref, data.messageId)) return;
      posted = [];
      await this.records.savePosted(ref, deliveryId, posted);
    }
    const parts = [...(posted ?? data.partIds ?? [])];
    await this.postParts(ref, data.reply, parts, () => this.records.savePosted(ref, deliveryId, parts));
  }

  /** A queued edit: true once written (or superseded by newer content); false when the message is gone. */
  private async editDelivered(data: OutboxDelivery, ref: ConversationRef, messageId: string) {
    if (data.revision !== undefined) {
      const { revision } = await this.records.read(ref, messageId);
      if (revision !== data.revision) {
        this.logger.info({ thread: data.refKey }, "delivery-edit-superseded");
        return true;
      }
    }
    try {
      await this.editParts(ref, messageId, data.reply);
      return true;
    } catch (error) {
      if (!isMessageGone(error)) throw error;
      this.logger.info({ thread: data.refKey, err: errorMessage(error) }, "delivery-edit-gone-posting");
      return false;
    }
  }

  /**
   * Posts the parts of `reply` after those already in `posted`, appending each new id to it as soon
   * as it is posted (and telling `onPart`); remembers the ids of a long message's later parts.
   */
  private async postParts(
    ref: ConversationRef,
    reply: Reply,
    posted: string[],
    onPart?: () => Promise<void> | undefined,
  ): Promise<void> {
    const messenger = this.messenger(ref);
    if (!messenger.parts) {
      if (posted.length === 0) posted.push(await messenger.post(ref, reply));
      return;
    }
    const parts = messenger.parts.render(reply);
    for (let index = posted.length; index < parts.length; index++) {
      posted.push(await messenger.parts.post(ref, parts[index]));
      await onPart?.();
    }
    if (posted.length > 1) await this.records.saveTail(ref, posted[0]!, posted.slice(1));
  }

  /**
   * Replaces a message with `reply`: its first part in the message itself, later parts in the messages
   * that hold them already (a tail part that is gone is posted again), and only parts it never had are
   * posted, once: their ids are recorded as soon as they exist.
   */
  private async editParts(
    ref: ConversationRef,
    messageId: string,
    reply: Reply,
    skipRecord = false,
  ): Promise<void> {
    const messenger = this.messenger(ref);
    // Content that fits one message edits the first part only and skips the record (one Redis read per
    // edit) when it may: a progress message (at worst an older edit waiting in the outbox overwrites it
    // until the next edit), or content whose caller knows no edit of the message was ever queued (so
    // there is no revision to raise, and a one-part reply needs no tail). Else the record is read and
    // its revision raised. The reply is rendered once.
    if (skipRecord) {
      if (!messenger.parts) return messenger.edit(ref, messageId, reply);
      const parts = messenger.parts.render(reply);
      if (parts.length === 1) return messenger.parts.edit(ref, messageId, parts[0]!);
    }
    const record = await this.records.read(ref, messageId);
    if (messenger.parts) {
      await this.editEveryPart(messenger.parts, ref, messageId, reply, record.tail);
    } else {
      await messenger.edit(ref, messageId, reply);
    }
    // An edit of this message waits in the outbox: it must not overwrite what was just written.
    if (record.revision !== undefined) await this.records.bump(ref, messageId);
  }

  private async editEveryPart(
    parts: NonNullable<Messenger["parts"]>,
    ref: ConversationRef,
    messageId: string,
    reply: Reply,
    known: string[],
  ): Promise<void> {
    const [first, ...rest] = parts.render(reply);
    await parts.edit(ref, messageId, first);
    const tail = [...known];
    for (const [index, part] of rest.entries()) {
      const id = tail[index];
      if (id !== undefined) {
        try {
          await parts.edit(ref, id, part);
          continue;
        } catch (error) {
          if (!isMessageGone(error)) throw error;
        }
      }
      tail[index] = await parts.post(ref, part);
      await this.records.saveTail(ref, messageId, tail);
    }
    // A message that shrank keeps its surplus parts as they are (and their ids, should it grow again).
  }

  private async enqueue(data: OutboxDelivery, cause: unknown): Promise<void> {
    // A rate limit says how long to wait; nothing is tried before.
    await this.queue.add(data, { delayMs: rateLimitWaitMs(cause) ?? 0 });
  }

  /** The platform's live surface for a turn in `ref`, where it has one (see `Messenger.liveTurn`). */
  liveTurn(ref: ConversationRef, turn: LiveTurnInfo): LiveTurn | undefined {
    return this.messengers[ref.platform]?.liveTurn?.(ref, turn);
  }

  private messenger(ref: ConversationRef): Messenger {
    const messenger = this.messengers[ref.platform];
    if (!messenger) throw new Error(`no messenger for ${ref.platform} in this process`);
    return messenger;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
