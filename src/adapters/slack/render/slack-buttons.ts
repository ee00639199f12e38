import type { ReplyAction } from "../../../core/conversation/reply.js";
import { actionId } from "../common/action-ids.js";

/** Characters of a button label (and of a select option's text). */
export const BUTTON_TEXT_MAX = 75;
/** Characters of a button value. */
export const BUTTON_VALUE_MAX = 2000;

/** A button: `action_id` = `nemo_<kind>`, `value` = the action's arg (see `action-ids.ts`). */
export interface SlackButton {
  type: "button";
  action_id: string;
  text: { type: "plain_text"; text: string; emoji: true };
  value?: string;
  style?: "primary" | "danger";
}

/** A label as Slack shows it on a button or an option (cut to {@link BUTTON_TEXT_MAX}). */
export function plainLabel(label: string): { type: "plain_text"; text: string; emoji: true } {
  const text = label.length > BUTTON_TEXT_MAX ? `${label.slice(0, BUTTON_TEXT_MAX - 1)}…` : label;
  return { type: "plain_text", text, emoji: true };
}

function button(action: ReplyAction): SlackButton | undefined {
  if (action.arg !== undefined && action.arg.length > BUTTON_VALUE_MAX) return undefined;
  return {
    type: "button",
    action_id: actionId(action.kind),
    text: plainLabel(action.label.trim() || action.kind),
    ...(action.arg ? { value: action.arg } : {}),
    ...(action.kind === "export" ? { style: "primary" as const } : {}),
    ...(action.kind === "cancel" || action.kind === "drop" ? { style: "danger" as const } : {}),
  };
}

/**
 * The buttons of `actions` for one actions block. Slack refuses a block whose elements share an
 * `action_id` (`invalid_blocks`), so a repeated kind gets `-2`, `-3`, … (`action-ids.ts` reads it back).
 */
export function buttonsOf(actions: readonly ReplyAction[]): SlackButton[] {
  const seen = new Map<string, number>();
  return actions
    .map(button)
    .filter((b): b is SlackButton => b !== undefined)
    .map((b) => {
      const n = seen.get(b.action_id) ?? 0;
      seen.set(b.action_id, n + 1);
      return n === 0 ? b : { ...b, action_id: `${b.action_id}-${n + 1}` };
    });
}
