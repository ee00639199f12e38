import type { App, BlockAction, RespondFn } from "@slack/bolt";
import { type Lang, langFromLocale } from "../../../core/conversation/language.js";
import { FEEDBACK_ACTION_ID } from "../assistant/assistant-turn.js";
import { parseAction } from "../common/action-ids.js";
import { isDirectMessageChannel, isExternalMember, slackRef } from "../common/slack-ref.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { errorText } from "../web-api/api-errors.js";
import { deliverInbound, type InboundContext, tellUser } from "./context.js";
import { slackText } from "./slack-texts.js";
import { nonEmpty } from "./untyped-field.js";

/**
 * Button clicks (`block_actions`). Acked at once; the button's `action_id` (`nemo_<kind>`) and `value`
 * (the arg) are validated, so any button of ours works after restarts and a malformed one is refused
 * with an ephemeral note. The click becomes an `Inbound` with `action`, in the thread of the clicked
 * message (`thread_ts`, else its `ts`; a top-level message of a DM → the DM's conversation).
 * Inbound id = `act-<action_ts>-<user>`: a double delivery of one click runs once.
 */
export function registerActionListener(app: App, ctx: InboundContext): void {
  app.action({ type: "block_actions" }, async ({ ack, body, respond }) => {
    const click = readClick(body);
    if (click.actionId === FEEDBACK_ACTION_ID) {
      await ack();
      const rating = click.value;
      if (rating === "good" || rating === "bad") ctx.onFeedback?.(rating);
      ctx.logger.info({ rating }, "slack-answer-feedback");
      return;
    }
    const parsed = parseAction(click.actionId, click.value);
    const { user, channel } = click;
    const team = ctx.workspace() ?? click.team;
    if (!user) return ack();
    // A refusal queues nothing: acknowledged at once, then told in the user's language.
    const refuse = async (note: (lang: Lang) => string) => {
      await ack();
      void ctx.users
        .lookup(user)
        .then((info) => ephemeral(ctx, respond, { channel, user }, note(langFromLocale(info.locale))));
    };

    const inDm = channel !== undefined && isDirectMessageChannel(channel);
    const { messageTs, threadTs } = click;
    // In a DM, a top-level answer that later got replies reports itself as its own thread parent:
    // it still belongs to the DM's running conversation.
    const thread = threadTs && !(inDm && threadTs === messageTs) ? threadTs : inDm ? channel : messageTs;
    if (!parsed || !team || !channel || !thread) {
      ctx.logger.info({ action: click.actionId }, "slack-action-refused");
      return refuse((lang) => slackText(lang, "bad_button"));
    }
    if (!ctx.isAllowed(channel)) return refuse((lang) => slackText(lang, "not_allowed"));
    await deliverInbound(ctx, {
      id: `act-${click.actionTs ?? click.triggerId ?? messageTs}-${user}`,
      ref: slackRef(team, channel, thread),
      // A member of another organisation (Slack Connect) never administers this workspace.
      user: {
        id: user,
        name: click.userName,
        ...(isExternalMember(team, click.userTeam) ? { admin: false } : {}),
      },
      text: "",
      attachments: [],
      action: parsed.arg === undefined ? { kind: parsed.kind } : { kind: parsed.kind, arg: parsed.arg },
    });
    await ack();
  });
}

/** What a listener reads of a click: the first action of a `block_actions` payload and where it was. */
interface Click {
  actionId: string | undefined;
  value: string | undefined;
  actionTs: string | undefined;
  triggerId: string | undefined;
  user: string | undefined;
  userName: string | undefined;
  team: string | undefined;
  /** The clicking user's own team (`user.team_id`): another organisation's in a Slack Connect channel. */
  userTeam: string | undefined;
  channel: string | undefined;
  messageTs: string | undefined;
  threadTs: string | undefined;
}

/**
 * Bolt's typed `block_actions` payload narrowed once. The bot's buttons are `button`s and
 * `feedback_buttons`, the only actions with a `value`; the `container` and the message's `thread_ts`
 * are untyped in Bolt, hence {@link nonEmpty}.
 */
function readClick(body: BlockAction): Click {
  // Bolt types `actions`, `container` and `user` as always there; a malformed payload may lack them, and
  // it must read as a refused click, not throw in the listener.
  const action = body.actions?.[0];
  const value =
    action?.type === "button" || action?.type === "feedback_buttons"
      ? action.value
      : // Quick replies: more than five choices come as a select menu
        action?.type === "static_select"
        ? action.selected_option?.value
        : undefined;
  const container: Record<string, unknown> = body.container ?? {};
  return {
    actionId: action?.action_id || undefined,
    value: value || undefined,
    actionTs: action?.action_ts || undefined,
    triggerId: body.trigger_id || undefined,
    user: body.user?.id || undefined,
    userName: body.user?.name || undefined,
    team: body.team?.id || body.user?.team_id || undefined,
    userTeam: body.user?.team_id || undefined,
    channel: body.channel?.id || nonEmpty(container.channel_id),
    messageTs: body.message?.ts || nonEmpty(container.message_ts),
    threadTs: nonEmpty(body.message?.thread_ts) ?? nonEmpty(container.thread_ts),
  };
}

/** An ephemeral note to the clicking user: through `response_url`, else `chat.postEphemeral`. */
async function ephemeral(
  ctx: InboundContext,
  respond: RespondFn | undefined,
  where: { channel: string | undefined; user: string },
  note: string,
): Promise<void> {
  const textOut = escapeMrkdwn(note);
  if (respond) {
    try {
      return void (await respond({ response_type: "ephemeral", replace_original: false, text: textOut }));
    } catch (error) {
      ctx.logger.info({ err: errorText(error) }, "slack-respond-failed");
    }
  }
  if (where.channel) await tellUser(ctx, { channel: where.channel, user: where.user }, textOut);
}
