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
}

/** The messenger of each platform that runs in this process. */
export type Messengers = Partial<Record<ConversationRef["platform"], Messenger>>;
