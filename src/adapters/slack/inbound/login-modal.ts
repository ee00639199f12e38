import type { App } from "@slack/bolt";
import type { View } from "@slack/web-api";
import type { Lang } from "../../../core/conversation/language.js";
import { ephemeralRef } from "../common/slack-ref.js";
import { deliverInbound, type InboundContext } from "./context.js";
import { slackText } from "./slack-texts.js";

/** The login modal's `callback_id`, and its one input's block and action ids. */
export const LOGIN_CALLBACK_ID = "nemo_login";
const TOKEN_BLOCK = "token";
const TOKEN_ACTION = "token";

/** Where the answer goes once the modal is submitted: the channel the command was used in. */
interface LoginMetadata {
  team: string;
  channel: string;
}

/** The modal `/nemo login` opens (`views.open` with the command's `trigger_id`): one text input. */
export function loginView(lang: Lang, metadata: LoginMetadata): View {
  return {
    type: "modal",
    callback_id: LOGIN_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: slackText(lang, "login_title") },
    submit: { type: "plain_text", text: slackText(lang, "login_submit") },
    blocks: [
      {
        type: "input",
        block_id: TOKEN_BLOCK,
        label: { type: "plain_text", text: slackText(lang, "login_label") },
        hint: { type: "plain_text", text: slackText(lang, "login_hint") },
        element: { type: "plain_text_input", action_id: TOKEN_ACTION, min_length: 8, max_length: 500 },
      },
    ],
  };
}

/**
 * The login modal's `view_submission`: the token goes to the core as a `login` action (the intake
 * seals it before queueing; nothing here logs it), answered privately in the channel of the command.
 * Acknowledged (closing the modal) once queued; a queueing failure leaves the modal open with an error.
 */
export function registerLoginSubmission(app: App, ctx: InboundContext): void {
  app.view(LOGIN_CALLBACK_ID, async ({ ack, view, body }) => {
    const token = view.state.values[TOKEN_BLOCK]?.[TOKEN_ACTION]?.value?.trim() ?? "";
    const metadata = readMetadata(view.private_metadata);
    const team = metadata?.team ?? body.team?.id ?? "";
    if (!metadata?.channel || !token) {
      await ack({ response_action: "errors", errors: { [TOKEN_BLOCK]: "—" } });
      return;
    }
    try {
      await deliverInbound(ctx, {
        id: `view-${view.id}`,
        ref: ephemeralRef(team, metadata.channel, body.user.id),
        user: { id: body.user.id },
        text: "",
        attachments: [],
        action: { kind: "login", arg: token },
      });
    } catch {
      await ack({ response_action: "errors", errors: { [TOKEN_BLOCK]: "Try again in a moment." } });
      return;
    }
    await ack();
  });
}

/** The modal's `private_metadata` as {@link loginView} wrote it; undefined when it is not that JSON. */
function readMetadata(raw: string): Partial<LoginMetadata> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const team = "team" in parsed && typeof parsed.team === "string" ? parsed.team : undefined;
  const channel = "channel" in parsed && typeof parsed.channel === "string" ? parsed.channel : undefined;
  return { ...(team === undefined ? {} : { team }), ...(channel === undefined ? {} : { channel }) };
}
