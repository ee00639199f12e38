import { EventEmitter } from "node:events";
import { type ConversationRef, refKey } from "../../src/core/conversation/conversation-ref.js";
import { DeliveryError } from "../../src/core/conversation/delivery-error.js";
import type { Messenger } from "../../src/core/conversation/messenger.js";
import type { Reply } from "../../src/core/conversation/reply.js";
import { waitForChange } from "./wait-for-change.js";

export interface RecordedMessage {
  id: string;
  thread: string;
  /** Every version, first the posted one. */
  versions: Reply[];
}

/** A Messenger that keeps every post and edit in memory; `failNext` makes deliveries fail. */
export class RecordingMessenger implements Messenger {
  readonly messages: RecordedMessage[] = [];
  private readonly changes = new EventEmitter();
  private failures = 0;
  private counter = 0;

  /** The next `count` posts or edits reject, as a platform outage would. */
  failNext(count: number): void {
    this.failures = count;
  }

  async post(ref: ConversationRef, reply: Reply): Promise<string> {
    this.maybeFail();
    const message = { id: `m${++this.counter}`, thread: refKey(ref), versions: [reply] };
    this.messages.push(message);
    this.changes.emit("change");
    return message.id;
  }

  /** Replies sent privately (to the address a command gave), in order. */
  readonly privateReplies: { address: string; reply: Reply }[] = [];

  async postPrivately(address: string, reply: Reply): Promise<void> {
    this.privateReplies.push({ address, reply });
    this.changes.emit("change");
  }

  /** Replies sent to one user alone (a DM), in order. */
  readonly directReplies: { thread: string; userId: string; reply: Reply }[] = [];

  async postDirect(ref: ConversationRef, userId: string, reply: Reply): Promise<void> {
    this.directReplies.push({ thread: refKey(ref), userId, reply });
    this.changes.emit("change");
  }

  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    this.maybeFail();
    const message = this.messages.find(
      (candidate) => candidate.id === messageId && candidate.thread === refKey(ref),
    );
    if (!message) throw new DeliveryError("MESSAGE_GONE", `unknown message ${messageId}`);
    message.versions.push(reply);
    this.changes.emit("change");
  }

  /** The latest version of each message of a thread, in posting order. */
  thread(ref: ConversationRef): Reply[] {
    return this.messages
      .filter((message) => message.thread === refKey(ref))
      .map((message) => message.versions.at(-1)!);
  }

  /** Everything a thread shows now, as text. */
  transcript(ref: ConversationRef): string {
    return this.thread(ref).map(replyText).join("\n---\n");
  }

  /** Resolves once `predicate` holds (checked on every change), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 15_000, what = "condition"): Promise<void> {
    return waitForChange(
      this.changes,
      "change",
      predicate,
      timeoutMs,
      () => `${what}; messages:\n${JSON.stringify(this.messages, null, 1)}`,
    );
  }

  private maybeFail(): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("platform unavailable (test)");
    }
  }
}

export function replyText(reply: Reply): string {
  return [
    reply.progress,
    reply.text,
    reply.video?.url,
    ...(reply.links ?? []).map((link) => `${link.label}: ${link.url}`),
    ...(reply.actions ?? []).map((action) => `[${action.label}]`),
  ]
    .filter(Boolean)
    .join("\n");
}
