import { choiceActions, MAX_QUICK_BUTTONS } from "../../../core/conversation/quick-replies.js";
import type { Reply } from "../../../core/conversation/reply.js";
import { actionId } from "../common/action-ids.js";

/** Slack's limit on a button's text and an option's text. */
const LABEL_MAX = 75;

/** A quick reply's button: `action_id` `nemo_quick_reply`, `value` `<record id>:<index>`. */
interface QuickButton {
  type: "button";
  action_id: string;
  text: { type: "plain_text"; text: string; emoji: true };
  value: string;
}

/** The select menu standing in for more than five quick replies (same `action_id`, each option's value the id). */
export interface SlackStaticSelect {
  type: "static_select";
  action_id: string;
  placeholder: { type: "plain_text"; text: string };
  options: { text: { type: "plain_text"; text: string; emoji: true }; value: string }[];
}

/** The quick replies' block under an answer. */
export interface SlackQuickRepliesBlock {
  type: "actions";
  block_id: "nemo_quick_replies";
  elements: QuickButton[] | [SlackStaticSelect];
}

function plain(label: string): { type: "plain_text"; text: string; emoji: true } {
  const text = label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}…` : label;
  return { type: "plain_text", text, emoji: true };
}

/**
 * A reply's quick replies as one actions block: up to five buttons, or one `static_select` of up to 25
 * options. Values carry only `<record id>:<index>`; the choice's text stays in its record.
 */
export function quickRepliesBlock(reply: Reply): SlackQuickRepliesBlock | undefined {
  const actions = choiceActions(reply).filter((action) => action.arg);
  if (actions.length === 0) return undefined;
  const id = actionId("quick_reply");
  if (actions.length <= MAX_QUICK_BUTTONS) {
    return {
      type: "actions",
      block_id: "nemo_quick_replies",
      elements: actions.map((action) => ({
        type: "button",
        action_id: id,
        text: plain(action.label),
        value: action.arg!,
      })),
    };
  }
  return {
    type: "actions",
    block_id: "nemo_quick_replies",
    elements: [
      {
        type: "static_select",
        action_id: id,
        placeholder: { type: "plain_text", text: "…" },
        options: actions.map((action) => ({ text: plain(action.label), value: action.arg! })),
      },
    ],
  };
}
