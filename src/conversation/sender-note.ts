import type { Inbound } from "../core/conversation/inbound.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Reply } from "../core/conversation/reply.js";
import type { Logger } from "../core/logger.js";
import type { Outbox } from "./outbox.js";

/**
 * A note for the sender only, where the platform allows: the private address their command or click
 * came with (Discord's interaction follow-up, Slack's `response_url`), else an ephemeral message in the
 * thread (Slack), else a normal post in the thread (console, or when the private note failed).
 */
export async function tellSender(
  parts: { messengers: Messengers; outbox: Pick<Outbox, "post">; logger: Logger },
  inbound: Pick<Inbound, "ref" | "user" | "privateReplyTo">,
  reply: Reply,
): Promise<void> {
  const messenger = parts.messengers[inbound.ref.platform];
  try {
    if (inbound.privateReplyTo && messenger?.postPrivately) {
      return await messenger.postPrivately(inbound.privateReplyTo, reply);
    }
    if (messenger?.postEphemeral) return await messenger.postEphemeral(inbound.ref, inbound.user.id, reply);
  } catch (error) {
    parts.logger.info({ err: String(error) }, "private-note-failed");
  }
  await parts.outbox.post(inbound.ref, reply);
}
