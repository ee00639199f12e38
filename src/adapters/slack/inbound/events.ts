import type { App, types } from "@slack/bolt";
import type { Inbound } from "../../../core/conversation/inbound.js";
import { langFromLocale } from "../../../core/conversation/language.js";
import { isDirectMessageChannel, isExternalMember, slackRef } from "../common/slack-ref.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { filesToAttachments } from "./attachments.js";
import { deliverInbound, type InboundContext, tellUser } from "./context.js";
import { mentionsUser, slackTextToPlain } from "./message-text.js";
import { type EventEnvelope, mentionMessage, type PersonMessage, personMessage } from "./person-message.js";
import { slackText } from "./slack-texts.js";

/**
 * Events API listeners (Bolt acks every event before they run):
 * - `app_mention` in a channel starts a conversation in the thread of that message (thread = its ts),
 *   or continues the thread it was written in;
 * - `message` in a thread the bot owns (see {@link ThreadOwnership}) continues it without a mention;
 * - `message` in a DM (`channel_type: "im"`) is a conversation: the DM itself (thread = channel id), or
 *   the DM thread it was written in (thread = `thread_ts`).
 * Messages that mention the bot in a channel are left to `app_mention` (Slack sends both). Bots, the
 * bot itself, and edit/delete/join subtypes are ignored. Inbound id = the Events API `event_id`, so
 * Slack's re-deliveries are processed once.
 */
export function registerEventListeners(app: App, ctx: InboundContext): void {
  app.event("app_mention", ({ event, body }) => takeEvent(ctx, event, body));
  app.event("message", ({ event, body }) => takeEvent(ctx, event, body));
}

/**
 * What both listeners do, and the signed-event lane (signed-events.ts) without Bolt: the event is
 * read as a person's message and taken, or ignored.
 */
export async function takeEvent(
  ctx: InboundContext,
  event: types.AppMentionEvent | types.MessageEvent,
  body: EventEnvelope,
): Promise<void> {
  if (event.type === "app_mention") {
    const message = mentionMessage(event);
    if (message) await onMention(ctx, message, body);
    return;
  }
  const message = personMessage(event);
  if (message) await onMessage(ctx, message, body);
}

async function onMention(ctx: InboundContext, message: PersonMessage, body: EventEnvelope): Promise<void> {
  const { channel, user, ts, threadTs } = message;
  if (message.botId || user === ctx.botUserId) return;
  // DMs arrive as `message` events, which handle them.
  if (isDirectMessageChannel(channel)) return;
  if (!ctx.isAllowed(channel)) return refuse(ctx, { channel, user, threadTs });
  const thread = threadTs ?? ts;
  if (thread === ts) ctx.threads.remember(channel, thread);
  await take(ctx, message, body, thread);
}

async function onMessage(ctx: InboundContext, message: PersonMessage, body: EventEnvelope): Promise<void> {
  const { channel, user, ts, threadTs } = message;
  if (message.botId || user === ctx.botUserId) return;

  if (message.channelType === "im" || isDirectMessageChannel(channel)) {
    if (!ctx.isAllowed(channel)) return refuse(ctx, { channel, user, threadTs });
    return take(ctx, message, body, threadTs ?? channel);
  }
  if (message.channelType === "mpim") return;
  // Channels: only replies in a thread, without a mention (mentions come as app_mention).
  if (!threadTs || threadTs === ts || mentionsUser(message.text, ctx.botUserId)) return;
  if (!ctx.isAllowed(channel)) return;
  // A thread with a project is a conversation (durable, any process); else the ownership rule decides.
  const known = await ctx.handler.isConversation?.(
    slackRef(workspaceOf(ctx, message, body), channel, threadTs),
  );
  if (!known && !(await ctx.threads.owns(channel, threadTs, message.parentUserId, ctx.botUserId))) return;
  await take(ctx, message, body, threadTs);
}

async function take(
  ctx: InboundContext,
  message: PersonMessage,
  body: EventEnvelope,
  thread: string,
): Promise<void> {
  const attachments =
    message.files.length > 0 ? await filesToAttachments(message.files, ctx.client, ctx.logger) : [];
  const workspace = workspaceOf(ctx, message, body);
  // A Slack Connect member of another organisation (their own team is not the installed one, "T…";
  // an org-wide install's "E…" id is left to the worker's users.info) never administers this place.
  const external = isExternalMember(workspace, message.team);
  // No locale: Slack's events carry none, and users.info is looked up by a worker, not before the ack.
  const inbound: Inbound = {
    id: body.event_id || `${message.channel}-${message.ts}`,
    ref: slackRef(workspace, message.channel, thread),
    user: external ? { id: message.user, admin: false } : { id: message.user },
    text: slackTextToPlain(message.text ?? "", ctx.botUserId),
    attachments,
  };
  await deliverInbound(ctx, inbound);
}

/** The workspace whose installation received the event (see `InboundContext.workspace`). */
function workspaceOf(ctx: InboundContext, message: PersonMessage, body: EventEnvelope): string {
  return ctx.workspace() ?? (body.team_id || undefined) ?? message.team ?? "";
}

/** Tells the user (ephemeral) that the bot does not talk here — after the acknowledgement, not before. */
function refuse(
  ctx: InboundContext,
  where: { channel: string; user: string; threadTs: string | undefined },
): void {
  void (async () => {
    const lang = langFromLocale((await ctx.users.lookup(where.user)).locale);
    await tellUser(ctx, where, escapeMrkdwn(slackText(lang, "not_allowed")));
  })();
}
