import type { ActionKind } from "../../core/conversation/reply.js";

/** What one typed line asks for. */
export type ConsoleLine =
  | { type: "empty" }
  | { type: "text"; text: string }
  | { type: "choice"; n: number }
  | { type: "action"; kind: ActionKind; text: string }
  /** `/login TOKEN`: the token goes as the action's argument (sealed by the intake), never as text. */
  | { type: "login"; token: string }
  | { type: "attach"; path: string; text: string }
  | { type: "thread"; name: string | undefined }
  | { type: "threads" }
  | { type: "quit" }
  /** A command used wrongly or not known; `message` says what to type instead. */
  | { type: "invalid"; message: string };

/**
 * Slash commands that name a core action, the same as on Discord and Slack. `/status` has no action of its
 * own: the timeline summary is the project's status; `/whoami` is the account action.
 */
export const ACTION_COMMANDS: Readonly<Record<string, ActionKind>> = {
  new: "new",
  export: "export",
  timeline: "timeline",
  status: "timeline",
  credits: "credits",
  cancel: "cancel",
  retry: "retry",
  help: "help",
  usage: "usage",
  history: "history",
  whoami: "account",
  account: "account",
  logout: "logout",
  // Settings (issue 21): the rest of the line is the change (`/settings ratio 9:16`)
  settings: "settings",
};

/** Parses one input line: a bare number picks a choice, `/…` is a command, anything else is text. */
export function parseConsoleLine(line: string): ConsoleLine {
  const trimmed = line.trim();
  if (trimmed === "") return { type: "empty" };
  if (/^\d+$/.test(trimmed)) return { type: "choice", n: Number(trimmed) };
  if (!trimmed.startsWith("/")) return { type: "text", text: trimmed };

  const space = trimmed.search(/\s/);
  const name = (space < 0 ? trimmed.slice(1) : trimmed.slice(1, space)).toLowerCase();
  const rest = space < 0 ? "" : trimmed.slice(space).trim();
  const action = Object.hasOwn(ACTION_COMMANDS, name) ? ACTION_COMMANDS[name] : undefined;
  if (action) return { type: "action", kind: action, text: rest };
  switch (name) {
    case "thread":
      return { type: "thread", name: rest === "" ? undefined : rest };
    case "threads":
      return { type: "threads" };
    case "quit":
    case "exit":
      return { type: "quit" };
    case "attach":
      return parseAttach(rest);
    case "login":
      return { type: "login", token: rest };
    // Continue anywhere: `/continue` asks for a code; `/continue CODE` goes as text, routed (and the code
    // hashed) by the intake.
    case "continue":
      return rest === ""
        ? { type: "action", kind: "move_code", text: "" }
        : { type: "text", text: `/continue ${rest}` };
    default:
      return { type: "invalid", message: `Unknown command /${name}. Commands: ${COMMAND_LIST}` };
  }
}

/** The commands, for the banner and hints. */
export const COMMAND_LIST =
  "/attach PATH [text], /thread NAME, /threads, /new, /export, /timeline, /status, /credits, /cancel, /retry, /history, /usage, /login TOKEN, /logout, /whoami, /settings, /continue [CODE], /help, /quit";

/** `PATH [text]`, where a path with spaces is written in quotes: `/attach "my clip.mp4" trim it`. */
function parseAttach(rest: string): ConsoleLine {
  const quote = rest[0] === '"' || rest[0] === "'" ? rest[0] : undefined;
  const end = quote ? rest.indexOf(quote, 1) : rest.search(/\s/);
  if (rest === "" || (quote && end < 0)) {
    return {
      type: "invalid",
      message: 'Usage: /attach PATH [text] (quote a path with spaces: "my clip.mp4")',
    };
  }
  const path = quote ? rest.slice(1, end) : end < 0 ? rest : rest.slice(0, end);
  const text = end < 0 ? "" : rest.slice(end + 1).trim();
  return { type: "attach", path, text };
}
