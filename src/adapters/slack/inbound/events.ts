import type { App } from "@slack/bolt";
import type { Inbound } from "../../../core/conversation/inbound.js";
import { langFromLocale } from "../../../core/conversation/language.js";
import { escapeMrkdwn } from "../outbound/mrkdwn.js";
import { isDirectMessageChannel, list, str } from "../payload.js";
import { slackRef } from "../slack-ref.js";
import { filesToAttachments } from "./attachments.js";
import { deliverInbound, type InboundContext, tellUser } from "./context.js";
import { mentionsUser, slackTextToPlain } from "./message-text.js";
import { slackText } from "./slack-texts.js";

/** Message subtypes that are people talking; edits, deletions, joins and bot posts are not. */
const PEOPLE_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

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
  app.event("app_mention", async ({ event, body }) => onMention(ctx, event, body));
  app.event("message", async ({ event, body }) => onMessage(ctx, event, body));
}

async function onMention(ctx: InboundContext, event: unknown, body: unknown): Promise<void> {
  const channel = str(event, "channel");
  const user = str(event, "user");
  const ts = str(event, "ts");
  if (!channel || !user || !ts || str(event, "bot_id") || user === ctx.botUserId) return;
  // DMs arrive as `message` events, which handle them.
  if (isDirectMessageChannel(channel)) return;
  const threadTs = str(event, "thread_ts");
  if (!ctx.isAllowed(channel)) return refuse(ctx, { channel, user, threadTs });
  const thread = threadTs ?? ts;
  if (thread === ts) ctx.threads.remember(channel, thread);
  await take(ctx, event, body, { channel, user, thread });
}

async function onMessage(ctx: InboundContext, event: unknown, body: unknown): Promise<void> {
  const channel = str(event, "channel");
  const user = str(event, "user");
  const ts = str(event, "ts");
  if (!channel || !user || !ts || !PEOPLE_SUBTYPES.has(str(event, "subtype"))) return;
  if (str(event, "bot_id") || user === ctx.botUserId) return;
  const threadTs = str(event, "thread_ts");

  if (str(event, "channel_type") === "im" || isDirectMessageChannel(channel)) {
    if (!ctx.isAllowed(channel)) return refuse(ctx, { channel, user, threadTs });
    return take(ctx, event, body, { channel, user, thread: threadTs ?? channel });
  }
  if (str(event, "channel_type") === "mpim") return;
  // Channels: only replies in a thread, without a mention (mentions come as app_mention).
  if (!threadTs || threadTs === ts || mentionsUser(str(event, "text"), ctx.botUserId)) return;
  if (!ctx.isAllowed(channel)) return;
  const team = ctx.workspace() ?? str(body, "team_id") ?? str(event, "team") ?? "";
  // A thread with a project is a conversation (durable, any process); else the ownership rule decides.
  const known = await ctx.handler.isConversation?.(slackRef(team, channel, threadTs));
  if (!known && !(await ctx.threads.owns(channel, threadTs, str(event, "parent_user_id"), ctx.botUserId)))
    return;
  await take(ctx, event, body, { channel, user, thread: threadTs });
}

async function take(
  ctx: InboundContext,
  event: unknown,
  body: unknown,
  where: { channel: string; user: string; thread: string },
): Promise<void> {
  const team = ctx.workspace() ?? str(body, "team_id") ?? str(event, "team") ?? "";
  const attachments = await filesToAttachments(list(event, "files"), ctx.client, ctx.logger);
  // No locale: Slack's events carry none, and users.info is looked up by a worker, not before the ack.
  const inbound: Inbound = {
    id: str(body, "event_id") ?? `${where.channel}-${str(event, "ts")}`,
    ref: slackRef(team, where.channel, where.thread),
    user: { id: where.user },
    text: slackTextToPlain(str(event, "text") ?? "", ctx.botUserId),
    attachments,
  };
  await deliverInbound(ctx, inbound);
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
