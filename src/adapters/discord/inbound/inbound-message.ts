import {
  type AnyThreadChannel,
  type APIThreadChannel,
  type Message,
  type MessageReplyOptions,
  RESTJSONErrorCodes,
  Routes,
  ThreadAutoArchiveDuration,
} from "discord.js";
import pRetry from "p-retry";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import { looksLikePastedSecret } from "../../../core/conversation/router.js";
import { discordErrorCode, discordStatus } from "../common/rest-failure.js";
import { THREAD_PARENTS } from "./channel-thread.js";
import { dmRef, threadRef, toAttachment } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { messageAdmin } from "./member-admin.js";
import { deletePastedSecret, warnPastedInChannel } from "./pasted-secret.js";
import { isPlaceAllowed, type Place } from "./place-policy.js";
import { threadName } from "./thread-names.js";

/**
 * Turns a message into an `Inbound` when it is for the bot:
 * - a mention in a channel starts a public thread on the message (named from the prompt) and the
 *   conversation lives there;
 * - a mention inside an existing thread uses that thread;
 * - any message in a thread the bot owns continues the conversation without a mention (this needs the
 *   Message Content intent; without it Discord blanks such messages and they are skipped);
 * - a direct message is a conversation of its own.
 * Bots (the bot itself included), webhooks and system messages are ignored; the bot mention is removed
 * from the text. The message id is the inbound id, so a replayed message is processed once.
 */
export async function handleMessage(message: Message, ctx: InboundContext): Promise<void> {
  if (message.author.bot || message.system || message.webhookId) return;
  const botId = message.client.user.id;
  const mentioned = message.mentions.users.has(botId);
  const channel = message.channel;
  const guildId = message.guildId;
  let place: Place;
  if (channel.isDMBased() || guildId === null) {
    place = { guildId: null, channelId: channel.id };
  } else if (channel.isThread()) {
    if (!mentioned && !ctx.messageContent) return;
    await completeThread(channel, ctx);
    if (!channel.parentId) return;
    if (!mentioned && channel.ownerId !== botId) {
      // A thread someone else opened is followed once a conversation lives in it (e.g. /video there).
      const known = await ctx.handler.isConversation?.(threadRef(guildId, channel.parentId, channel.id));
      if (!known) return;
    }
    place = { guildId, channelId: channel.id, parentId: channel.parentId };
  } else {
    if (!mentioned) return;
    place = { guildId, channelId: channel.id };
  }

  const log = ctx.logger.child({ message: message.id, channel: channel.id, guild: guildId ?? "dm" });
  const locale = message.guild?.preferredLocale;
  if (!isPlaceAllowed(place, ctx.lists)) {
    log.info("discord-place-refused");
    await reply(message, discordText(locale, "place_refused"), ctx);
    return;
  }

  const text = stripMention(message.content, botId);
  const attachments = [...message.attachments.values()].map(toAttachment);
  // A pasted token stays visible nowhere the bot can remove it from.
  const pasted = looksLikePastedSecret(text) ? await deletePastedSecret(message, log) : undefined;
  if (pasted !== undefined && place.guildId !== null && !place.parentId)
    return warnPastedInChannel(message, pasted, locale, log);
  let ref: ConversationRef;
  if (place.guildId === null) {
    ref = dmRef(channel.id);
  } else if (place.parentId) {
    ref = threadRef(place.guildId, place.parentId, channel.id);
  } else {
    const thread = await startThread(message, text || attachments[0]?.name || "", ctx);
    if (!thread) return;
    ref = threadRef(place.guildId, channel.id, thread);
  }
  const inbound = {
    id: message.id,
    ref,
    user: {
      id: message.author.id,
      name: message.member?.displayName ?? message.author.displayName,
      admin: messageAdmin(message, ctx.adminRoles),
    },
    text,
    attachments,
    locale,
    pastedSecretDeleted: pasted,
  };
  try {
    // Discord never re-delivers a message event: the adapter itself tries again while Redis is away.
    await pRetry(() => ctx.handler.handle(inbound), { retries: 5, minTimeout: 500, maxTimeout: 5_000 });
  } catch (error) {
    log.error({ err: String(error) }, "discord-inbound-not-queued");
    await reply(message, discordText(locale, "not_taken"), ctx);
  }
}

/**
 * A thread the cache did not hold (archived before a restart, then revived) arrives partial, without
 * owner and parent; reads them once from the API (discord.js's own `fetch()` does not patch the owner).
 */
async function completeThread(thread: AnyThreadChannel, ctx: InboundContext): Promise<void> {
  if (thread.ownerId && thread.parentId) return;
  try {
    const data = (await thread.client.rest.get(Routes.channel(thread.id))) as APIThreadChannel;
    if (data.owner_id) thread.ownerId = data.owner_id;
    thread.parentId = data.parent_id ?? thread.parentId;
  } catch (error) {
    ctx.logger.warn({ channel: thread.id, status: discordStatus(error) }, "discord-thread-fetch-failed");
  }
}

/** The text without mentions of the bot (`<@id>`, `<@!id>`), trimmed. */
export function stripMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`<@!?${botId}>`, "g"), " ")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/**
 * Starts a public thread on the message; resolves to its id (a message's thread has the message's id,
 * so a replay whose thread exists already continues there), or undefined after telling the user why not.
 */
async function startThread(
  message: Message,
  prompt: string,
  ctx: InboundContext,
): Promise<string | undefined> {
  const locale = message.guild?.preferredLocale;
  if (!THREAD_PARENTS.has(message.channel.type)) {
    await reply(message, discordText(locale, "channel_unsupported"), ctx);
    return undefined;
  }
  try {
    const thread = await message.startThread({
      name: threadName(prompt),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return thread.id;
  } catch (error) {
    if (discordErrorCode(error) === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return message.id;
    ctx.logger.warn(
      { message: message.id, channel: message.channelId, status: discordStatus(error) },
      "discord-thread-create-failed",
    );
    await reply(message, discordText(locale, "thread_failed"), ctx);
    return undefined;
  }
}

/** A plain reply to the message (no pings, not even the author's). */
async function reply(message: Message, content: string, ctx: InboundContext): Promise<void> {
  const options: MessageReplyOptions = { content, allowedMentions: { parse: [], repliedUser: false } };
  await message.reply(options).catch((error: unknown) => {
    ctx.logger.warn({ message: message.id, err: String(error) }, "discord-reply-failed");
  });
}
