import { choiceActions, MAX_QUICK_BUTTONS } from "../../../core/conversation/quick-replies.js";
import type { Reply } from "../../../core/conversation/reply.js";
import { actionId } from "../common/action-ids.js";
import { buttonsOf, plainLabel, type SlackButton } from "./slack-buttons.js";

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
  elements: SlackButton[] | [SlackStaticSelect];
}

/**
 * A reply's quick replies as one actions block: up to five buttons, or one `static_select` of up to 25
 * options. Values carry only `<record id>:<index>`; the choice's text stays in its record.
 */
export function quickRepliesBlock(reply: Reply): SlackQuickRepliesBlock | undefined {
  const actions = choiceActions(reply).filter((action) => action.arg);
  if (actions.length === 0) return undefined;
  if (actions.length <= MAX_QUICK_BUTTONS)
    return { type: "actions", block_id: "nemo_quick_replies", elements: buttonsOf(actions) };
  return {
    type: "actions",
    block_id: "nemo_quick_replies",
    elements: [
      {
        type: "static_select",
        action_id: actionId("quick_reply"),
        placeholder: { type: "plain_text", text: "…" },
        options: actions.map((action) => ({ text: plainLabel(action.label), value: action.arg! })),
      },
    ],
  };
}
