import { buttonKind, isButtonArg } from "../../../core/conversation/button-kinds.js";
import type { ActionKind } from "../../../core/conversation/reply.js";

const PREFIX = "nemo_";

/** The longest button value accepted on click (the core's args are short ids). */
const MAX_ACTION_ARG = 200;

/** The `action_id` of a button: `nemo_<kind>`. */
export function actionId(kind: ActionKind): string {
  return `${PREFIX}${kind}`;
}

/**
 * Reads a clicked button back: its kind from `action_id` and its arg from `value`. Undefined when the
 * button is not one of ours or its value is malformed (the click is then refused politely).
 * Buttons carry everything they need, so they keep working after restarts.
 */
export function parseAction(
  id: string | undefined,
  value: string | undefined,
): { kind: ActionKind; arg?: string } | undefined {
  if (!id?.startsWith(PREFIX)) return undefined;
  // A repeated kind in one block carries `-<n>` (render-blocks.ts `uniqueActionIds`).
  const kind = buttonKind(id.slice(PREFIX.length).replace(/-\d+$/, ""));
  if (!kind) return undefined;
  if (value === undefined || value === "") return { kind };
  if (value.length > MAX_ACTION_ARG || !isButtonArg(value)) return undefined;
  return { kind, arg: value };
}
