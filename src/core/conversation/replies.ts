import { errorCode } from "../error-code.js";
import { errorTextWithCode } from "./error-replies.js";
import type { Lang } from "./language.js";
import { publishRepliedError } from "./replied-errors.js";
import type { ActionKind, Reply, ReplyAction } from "./reply.js";
import { type TextKey, text } from "./texts.js";

const BUTTON_TEXT: Record<ActionKind, TextKey> = {
  export: "button_export",
  timeline: "button_timeline",
  credits: "button_credits",
  cancel: "button_cancel",
  retry: "button_retry",
  new: "button_new",
  help: "button_help",
  continue: "button_continue",
  drop: "button_drop",
  login: "button_login",
  logout: "button_logout",
  account: "button_account",
  history: "button_history",
  usage: "button_usage",
  project_link: "button_project_link",
  // Settings (issue 21)
  settings: "button_settings",
  // Quick replies (their buttons show the choice itself; this names the action)
  quick_reply: "button_quick_reply",
  // Variations
  variations: "button_variations",
  variations_confirm: "button_variations_confirm",
  variations_cancel: "button_variations_cancel",
  choose_variation: "button_choose_variation",
  // Continue anywhere
  move_thread: "button_move_thread",
  move_code: "button_move_code",
  move_here: "button_move_here",
};

/** Buttons in the conversation's language. */
export function buttons(lang: Lang, kinds: readonly ActionKind[], arg?: string): ReplyAction[] {
  return [...new Set(kinds)].map((kind) => ({
    kind,
    label: text(lang, BUTTON_TEXT[kind]),
    ...(arg ? { arg } : {}),
  }));
}

/** The actions every finished answer offers. */
export const ANSWER_ACTIONS: readonly ActionKind[] = ["export", "timeline", "credits"];

/** The user's text for an error and its code, with its link, and a Retry button when sending again can help. */
export function errorReply(error: unknown, lang: Lang, retryArg?: string): Reply {
  publishRepliedError(error);
  const described = errorTextWithCode(error, lang);
  return {
    text: described.text,
    tone: "error",
    ...(described.link ? { links: [described.link] } : {}),
    ...(retryArg ? { actions: buttons(lang, ["retry"], retryArg) } : {}),
  };
}

/** Error codes after which the same message can simply be sent again later. */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === "NEMO_RATE_LIMITED" ||
    code === "NEMO_UNAVAILABLE" ||
    code === "NEMO_REFUSED" ||
    code === "NEMO_OUT_OF_CREDITS" ||
    code === "NEMO_SESSION_NOT_FOUND"
  );
}
