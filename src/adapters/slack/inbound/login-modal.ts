import type { App } from "@slack/bolt";
import type { View } from "@slack/web-api";
import type { Lang } from "../../../core/conversation/language.js";
import { ephemeralRef } from "../slack-ref.js";
import { deliverInbound, type InboundContext } from "./context.js";

/** The login modal's `callback_id`, and its one input's block and action ids. */
export const LOGIN_CALLBACK_ID = "nemo_login";
const TOKEN_BLOCK = "token";
const TOKEN_ACTION = "token";

const WORDS = {
  en: {
    title: "Link NemoVideo",
    submit: "Link",
    label: "Your NemoVideo API token",
    hint: "Create one in the NemoVideo web app under Settings → API Tokens. It is checked, then stored encrypted; only you can unlink it (/nemo logout).",
  },
  "zh-CN": {
    title: "关联 NemoVideo",
    submit: "关联",
    label: "你的 NemoVideo API 令牌",
    hint: "在 NemoVideo 网页版的“设置 → API 令牌”中创建。令牌经验证后加密保存；只有你可以取消关联（/nemo logout）。",
  },
} as const;

/** Where the answer goes once the modal is submitted: the channel the command was used in. */
interface LoginMetadata {
  team: string;
  channel: string;
}

/** The modal `/nemo login` opens (`views.open` with the command's `trigger_id`): one text input. */
export function loginView(lang: Lang, metadata: LoginMetadata): View {
  const words = WORDS[lang];
  return {
    type: "modal",
    callback_id: LOGIN_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: words.title },
    submit: { type: "plain_text", text: words.submit },
    blocks: [
      {
        type: "input",
        block_id: TOKEN_BLOCK,
        label: { type: "plain_text", text: words.label },
        hint: { type: "plain_text", text: words.hint },
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
