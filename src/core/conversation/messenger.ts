import type { ConversationRef } from "./conversation-ref.js";
import type { Reply } from "./reply.js";

/**
 * Outbound delivery to one platform. REST only (no gateway connection), so any worker process can
 * deliver. Every reply goes into the conversation's thread.
 */
export interface Messenger {
  /** Posts a new message in the thread; resolves to its id. */
  post(ref: ConversationRef, reply: Reply): Promise<string>;
  /** Replaces a message posted earlier. Rejects when the platform refuses (too old, deleted, …). */
  edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void>;
  /**
   * Opens the thread of a conversation that starts with a command in a channel (`ref.thread` empty):
   * posts the opener in the channel and resolves to the conversation in its thread.
   */
  startThread?(ref: ConversationRef, opener: { userId: string; text: string }): Promise<ConversationRef>;
  /** Answers the sender privately at the address the platform gave with their command ({@link Inbound.privateReplyTo}). */
  postPrivately?(address: string, reply: Reply): Promise<void>;
  /** The user's locale and name, when the platform's events do not carry them (cached by the messenger). */
  lookupUser?(
    ref: ConversationRef,
    userId: string,
  ): Promise<{ locale?: string | undefined; name?: string | undefined }>;
}

/** The messenger of each platform that runs in this process. */
export type Messengers = Partial<Record<ConversationRef["platform"], Messenger>>;
