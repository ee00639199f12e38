import { ARG_BUTTON_KINDS, buttonKind, isButtonArg } from "../../../core/conversation/button-kinds.js";
import type { ActionKind } from "../../../core/conversation/reply.js";

/** Discord's limit on a component's `custom_id`. */
export const CUSTOM_ID_MAX = 100;

const PREFIX = "nemo";

/** What a button click asks for. */
export interface ButtonAction {
  kind: ActionKind;
  arg?: string | undefined;
}

/**
 * The `custom_id` of a button: `nemo:<kind>` or `nemo:<kind>:<arg>`. It carries everything the click
 * needs (the thread is where the button is), so buttons keep working after restarts. Undefined when
 * the argument is malformed or the id would exceed {@link CUSTOM_ID_MAX} characters.
 */
export function encodeCustomId(action: ButtonAction): string | undefined {
  if (action.arg === undefined || action.arg === "") return `${PREFIX}:${action.kind}`;
  if (!ARG_BUTTON_KINDS.has(action.kind) || !isButtonArg(action.arg)) return undefined;
  const id = `${PREFIX}:${action.kind}:${action.arg}`;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

/**
 * Parses and validates a `custom_id` from a click: a known kind, and an argument only where one is
 * expected and only in the id format. Undefined for anything else (another app's id, tampering, an old
 * format).
 */
export function decodeCustomId(customId: string): ButtonAction | undefined {
  if (customId.length > CUSTOM_ID_MAX || !customId.startsWith(`${PREFIX}:`)) return undefined;
  const rest = customId.slice(PREFIX.length + 1);
  const colon = rest.indexOf(":");
  const kind = buttonKind(colon < 0 ? rest : rest.slice(0, colon));
  if (!kind) return undefined;
  if (colon < 0) return { kind };
  const arg = rest.slice(colon + 1);
  if (!ARG_BUTTON_KINDS.has(kind) || !isButtonArg(arg)) return undefined;
  return { kind, arg };
}
