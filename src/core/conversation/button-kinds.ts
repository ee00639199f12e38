import type { ActionKind } from "./reply.js";

/**
 * The button kinds whose click carries an argument: the message, export, batch or choice it is about
 * (the others act on the thread the button is in).
 */
export const ARG_BUTTON_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>([
  "cancel",
  "retry",
  "continue",
  "drop",
  "project_link",
  "quick_reply",
  "variations",
  "variations_confirm",
  "variations_cancel",
  "choose_variation",
  // a `/history` entry's "Continue in a new thread" names its export
  "move_thread",
]);

/**
 * Every action a button can carry, on every platform; a click naming anything else is refused (the
 * other kinds — login, logout, account, history, usage, settings, a typed continue code — come only
 * from commands).
 */
const BUTTON_KINDS: readonly ActionKind[] = [
  "export",
  "timeline",
  "credits",
  "new",
  "help",
  "move_code",
  ...ARG_BUTTON_KINDS,
];

/** A button argument is an opaque id: message / interaction ids, `export:<job id>`, `<id>:caption`, … */
const BUTTON_ARG = /^[\w.:-]+$/;

/** The button kind called `name`, or undefined when no button carries it. */
export function buttonKind(name: string): ActionKind | undefined {
  return BUTTON_KINDS.find((kind) => kind === name);
}

/** Whether `arg` has the shape of a button argument (see {@link BUTTON_ARG}). */
export function isButtonArg(arg: string): boolean {
  return BUTTON_ARG.test(arg);
}
