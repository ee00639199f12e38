import type { App, RespondFn } from "@slack/bolt";
import { type Lang, langFromLocale } from "../../../core/conversation/language.js";
import { parseAction } from "../action-ids.js";
import { FEEDBACK_ACTION_ID } from "../assistant/assistant-turn.js";
import { escapeMrkdwn } from "../outbound/mrkdwn.js";
import { isDirectMessageChannel, list, obj, str } from "../payload.js";
import { slackRef } from "../slack-ref.js";
import { deliverInbound, type InboundContext, tellUser } from "./context.js";
import { slackText } from "./slack-texts.js";

/**
 * Button clicks (`block_actions`). Acked at once; the button's `action_id` (`nemo_<kind>`) and `value`
 * (the arg) are validated, so any button of ours works after restarts and a malformed one is refused
 * with an ephemeral note. The click becomes an `Inbound` with `action`, in the thread of the clicked
 * message (`thread_ts`, else its `ts`; a top-level message of a DM → the DM's conversation).
 * Inbound id = `act-<action_ts>-<user>`: a double delivery of one click runs once.
 */
export function registerActionListener(app: App, ctx: InboundContext): void {
  app.action({ type: "block_actions" }, async ({ ack, body, respond }) => {
    const action = list(body, "actions")[0];
    if (str(action, "action_id") === FEEDBACK_ACTION_ID) {
      await ack();
      const rating = str(action, "value");
      if (rating === "good" || rating === "bad") ctx.onFeedback?.(rating);
      ctx.logger.info({ rating }, "slack-answer-feedback");
      return;
    }
    const parsed = parseAction(str(action, "action_id"), str(action, "value"));
    const user = str(obj(body, "user"), "id");
    const team = ctx.workspace() ?? str(obj(body, "team"), "id") ?? str(obj(body, "user"), "team_id");
    const message = obj(body, "message");
    const container = obj(body, "container");
    const channel = str(obj(body, "channel"), "id") ?? str(container, "channel_id");
    if (!user) return ack();
    // A refusal queues nothing: acknowledged at once, then told in the user's language.
    const refuse = async (note: (lang: Lang) => string) => {
      await ack();
      void ctx.users
        .lookup(user)
        .then((info) => ephemeral(ctx, respond, { channel, user }, note(langFromLocale(info.locale))));
    };

    const messageTs = str(message, "ts") ?? str(container, "message_ts");
    const threadTs = str(message, "thread_ts") ?? str(container, "thread_ts");
    const inDm = channel !== undefined && isDirectMessageChannel(channel);
    // In a DM, a top-level answer that later got replies reports itself as its own thread parent:
    // it still belongs to the DM's running conversation.
    const thread = threadTs && !(inDm && threadTs === messageTs) ? threadTs : inDm ? channel : messageTs;
    if (!parsed || !team || !channel || !thread) {
      ctx.logger.info({ action: str(action, "action_id") }, "slack-action-refused");
      return refuse((lang) => slackText(lang, "bad_button"));
    }
    if (!ctx.isAllowed(channel)) return refuse((lang) => slackText(lang, "not_allowed"));
    await deliverInbound(ctx, {
      id: `act-${str(action, "action_ts") ?? str(body, "trigger_id") ?? messageTs}-${user}`,
      ref: slackRef(team, channel, thread),
      user: { id: user, name: str(obj(body, "user"), "name") },
      text: "",
      attachments: [],
      action: parsed.arg === undefined ? { kind: parsed.kind } : { kind: parsed.kind, arg: parsed.arg },
    });
    await ack();
  });
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
      ctx.logger.info({ err: (error as Error).message }, "slack-respond-failed");
    }
  }
  if (where.channel) await tellUser(ctx, { channel: where.channel, user: where.user }, textOut);
}
