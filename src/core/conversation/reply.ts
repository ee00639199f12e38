/** What a button (or explicit command) does. */
export type ActionKind =
  | "export"
  | "timeline"
  | "credits"
  | "cancel"
  | "retry"
  | "new"
  | "help"
  // Accounts and the credits guard (Continue / Cancel of a guarded message; login carries the pasted token)
  | "continue"
  | "drop"
  | "login"
  | "logout"
  | "account"
  | "history"
  | "usage"
  // "Open in NemoVideo" handed privately (arg = the export's id)
  | "project_link"
  // Continue anywhere: a new thread for the project, a continue code, a code redeemed (arg = the code)
  | "move_thread"
  | "move_code"
  | "move_here";

export interface ReplyAction {
  kind: ActionKind;
  /** Shown on the button, in the conversation's language. */
  label: string;
  /** Opaque data the action needs (e.g. the message id a Cancel or Retry is about). */
  arg?: string | undefined;
}

export interface ReplyLink {
  label: string;
  url: string;
}

/** A neutral reply; each adapter renders it (Discord markdown/components, Slack Block Kit, plain text). */
export interface Reply {
  /** Main text (backend text already GUI-translated; adapters escape it for their markup). */
  text?: string | undefined;
  /** One progress message, e.g. "🎬 Generating video — usually 2–5 min". */
  progress?: string | undefined;
  actions?: ReplyAction[] | undefined;
  links?: ReplyLink[] | undefined;
  /**
   * A finished video: messengers that can post it as a playable file stream it from `url` (or
   * `fallbackUrl` when that fails) when it fits their limit; otherwise the link (and size) shows.
   */
  video?:
    | {
        url: string;
        fallbackUrl?: string | undefined;
        sizeBytes?: number | undefined;
        fileName: string;
        title?: string | undefined;
      }
    | undefined;
  /** Errors are shown as such by adapters that can (colour, icon). */
  tone?: "info" | "error" | undefined;
}
