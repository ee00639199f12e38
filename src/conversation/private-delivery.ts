import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Reply } from "../core/conversation/reply.js";
import type { Logger } from "../core/logger.js";
import type { Outbox } from "./outbox.js";

/** One user, in a conversation, and the private address their command or click came with (if any). */
export interface PrivateRecipient {
  ref: ConversationRef;
  userId: string;
  privateReplyTo?: string | undefined;
}

/** What private delivery uses. */
export interface PrivateDeliveryParts {
  messengers: Messengers;
  outbox: Pick<Outbox, "post">;
  logger: Logger;
}

/**
 * Hands `reply` to one user only, for what nobody else may see (a claim link, a history with links):
 * the private address of their command or click (Discord's ephemeral follow-up, Slack's
 * `response_url`), else a note only they see in the thread (Slack `chat.postEphemeral`), else a
 * direct message (their DM with the bot or app: Discord's only way outside an interaction, Slack's
 * when the ephemeral note fails, e.g. the user left the channel). A platform with no private way at all (the console: one
 * user at a terminal) shows it in the thread. Never falls back to a public post: resolves false when
 * it could not be delivered privately.
 */
export async function deliverPrivately(
  parts: PrivateDeliveryParts,
  to: PrivateRecipient,
  reply: Reply,
): Promise<boolean> {
  const messenger = parts.messengers[to.ref.platform];
  if (!messenger) return false;
  const ways = [
    to.privateReplyTo && messenger.postPrivately
      ? () => messenger.postPrivately!(to.privateReplyTo!, reply)
      : undefined,
    messenger.postEphemeral ? () => messenger.postEphemeral!(to.ref, to.userId, reply) : undefined,
    messenger.postDirect ? () => messenger.postDirect!(to.ref, to.userId, reply) : undefined,
  ].filter((way) => way !== undefined);
  if (!messenger.postPrivately && !messenger.postDirect && !messenger.postEphemeral) {
    await parts.outbox.post(to.ref, reply);
    return true;
  }
  for (const way of ways) {
    try {
      await way();
      return true;
    } catch (error) {
      parts.logger.info({ thread: refKey(to.ref), err: String(error) }, "private-delivery-failed");
    }
  }
  return false;
}
