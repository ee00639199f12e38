import type { WebClient } from "@slack/web-api";
import { refKey } from "../../../core/conversation/conversation-ref.js";
import type { Inbound, IntakePort } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { isDirectMessageChannel } from "../common/slack-ref.js";
import { errorText } from "../web-api/api-errors.js";
import type { UserDirectory } from "../web-api/user-directory.js";
import type { ThreadOwnership } from "./thread-ownership.js";

/** What the inbound listeners share: the core's entry point and the adapter's Slack helpers. */
export interface InboundContext {
  handler: IntakePort;
  logger: Logger;
  /** The bot-token Web API client (Bolt's `app.client`). */
  client: WebClient;
  users: UserDirectory;
  threads: ThreadOwnership;
  /** The bot's own user id (`auth.test`, or the installation's), for mentions and thread ownership. */
  botUserId: string;
  /**
   * The workspace of the current request's conversation: the one whose installation Bolt authorized the
   * request with (`context.teamId`, or `context.enterpriseId` for an org-wide install) — for Enterprise
   * Grid and Slack Connect that is the workspace the bot sees the channel through, whose token replies.
   */
  workspace(): string | undefined;
  /** Whether the bot talks in this channel (`allowedChannels`, DMs). */
  isAllowed(channel: string): boolean;
  /** Counts a 👍/👎 on an answer (metrics). */
  onFeedback?: ((rating: "good" | "bad") => void) | undefined;
}

/** The channel rule: every channel when the list is empty, else the listed ones; DMs unless turned off. */
export function channelRule(allowedChannels: readonly string[], allowDirectMessages: boolean) {
  const allowed = new Set(allowedChannels);
  return (channel: string): boolean => {
    if (isDirectMessageChannel(channel)) return allowDirectMessages;
    return allowed.size === 0 || allowed.has(channel);
  };
}

/**
 * Hands an inbound to the core (Redis work only). A failure is logged and rethrown: Bolt then answers
 * Slack with an error instead of an acknowledgement, and Slack sends the event again.
 */
export async function deliverInbound(ctx: InboundContext, inbound: Inbound): Promise<void> {
  try {
    await ctx.handler.handle(inbound);
  } catch (error) {
    ctx.logger.error(
      { thread: refKey(inbound.ref), event: inbound.id, err: errorText(error) },
      "slack-inbound-not-queued",
    );
    throw error;
  }
}

/** An ephemeral note to one user in a channel (or thread); failures are only logged. */
export async function tellUser(
  ctx: InboundContext,
  where: { channel: string; user: string; threadTs?: string | undefined },
  text: string,
): Promise<void> {
  try {
    await ctx.client.chat.postEphemeral({
      channel: where.channel,
      user: where.user,
      text,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    });
  } catch (error) {
    ctx.logger.info({ channel: where.channel, err: errorText(error) }, "slack-ephemeral-failed");
  }
}
