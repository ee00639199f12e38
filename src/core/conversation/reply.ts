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
  // Settings (issue 21): a menu choice or form of `/settings` (arg = the change, e.g. "ratio 9:16")
  | "settings"
  // Quick replies: a choice of an answer (arg = `<record id>:<index>`, see quick-replies.ts)
  | "quick_reply"
  // Variations: 🎲 on a generated result (arg = its message id), the batch's Confirm / Cancel (arg = the
  // batch id) and "Continue with #k" in its gallery (arg = `<batch id>:<k>`)
  | "variations"
  | "variations_confirm"
  | "variations_cancel"
  | "choose_variation"
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
  /** Variations: several videos shown together (Discord: one MediaGallery; Slack and console: a numbered list). */
  gallery?: { url: string; title: string }[] | undefined;
  /** Errors are shown as such by adapters that can (colour, icon). */
  tone?: "info" | "error" | undefined;
  // Settings (issue 21): select menus of `/settings`, for adapters that draw them (Discord)
  menus?: ReplyMenu[] | undefined;
  /** Quick replies: the choices the answer ends with, as buttons (a select menu beyond five). */
  choices?: ReplyChoice[] | undefined;
}

/**
 * A select menu whose choice acts as a `settings` action with the option's `arg` (e.g. "ratio 9:16");
 * only `owner` (the member it was opened for) may choose.
 */
export interface ReplyMenu {
  owner: string;
  placeholder: string;
  options: { label: string; arg: string; selected?: boolean | undefined }[];
}

/** One quick reply of an answer: `label` is shown; `id` (`<record id>:<index>`) is what its button carries. */
export interface ReplyChoice {
  label: string;
  id: string;
}
