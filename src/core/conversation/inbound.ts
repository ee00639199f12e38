import type { ConversationRef } from "./conversation-ref.js";
import type { Messenger } from "./messenger.js";
import type { PlaceKind } from "./place.js";
import type { ActionKind } from "./reply.js";

/** A file attached to a message; fetched by the upload job, never held in memory whole. */
export interface Attachment {
  name: string;
  /** Declared size in bytes, when the platform tells it. */
  size?: number | undefined;
  contentType?: string | undefined;
  /** `https://…` on a platform file host, or `file://…` for the console. */
  url: string;
  /** How to authenticate the download: none (public CDN URL) or the platform's bot token. */
  auth: "none" | "bot-token";
}

/** One thing a user did in a conversation, in platform-neutral form. */
export interface Inbound {
  /** Unique per platform event (message id, interaction id, event id): used to process it once. */
  id: string;
  ref: ConversationRef;
  /**
   * Who sent it. `admin`: the platform says the sender administers the place (Discord: Manage Server or
   * an admin role in a guild the bot is installed in), or `false` when they cannot (a Slack Connect
   * member of another organisation); unset when the adapter cannot tell (a worker may look it up, see
   * permissions.ts). `place`: the kind of place the event came from when the conversation does not
   * tell (a user-installed command in a guild the bot is not in, answered in the member's DM).
   */
  user: {
    id: string;
    name?: string | undefined;
    admin?: boolean | undefined;
    place?: PlaceKind | undefined;
  };
  text: string;
  attachments: Attachment[];
  /** The user's or interaction's locale (BCP 47), when known. */
  locale?: string | undefined;
  /**
   * The conversation's thread does not exist yet (a Slack `/nemo` command in a channel): `ref.thread`
   * is empty, and a worker opens the thread ({@link Messenger.startThread}) before anything else.
   */
  newThread?: boolean | undefined;
  /**
   * Where the platform takes a private answer to the sender even where the bot cannot post (Slack's
   * `response_url` of a command); opaque to the core, used when the thread cannot be opened.
   */
  privateReplyTo?: string | undefined;
  /**
   * The adapter deleted the message because it held a pasted secret (a token, `/login <token>`): true
   * deleted, false could not (no permission, a DM); absent when the adapter did not try.
   */
  pastedSecretDeleted?: boolean | undefined;
  /** A button click or an explicit command that names the action instead of text. */
  action?: { kind: ActionKind; arg?: string | undefined } | undefined;
}

/** The intake as adapters see it: they hand it every inbound event and know nothing behind it. */
export interface IntakePort {
  /**
   * Takes the event in durably (Redis only, no platform call), so the adapter may acknowledge it once
   * this resolves; replays of the same event are no-ops. Rejects when the event could not be queued:
   * the adapter then must not acknowledge it (the platform sends it again).
   */
  handle(inbound: Inbound): Promise<void>;
  /**
   * Whether the thread already is a conversation (it has a project), so replies in it without a
   * mention are for the bot — durable, unlike what one adapter process remembers.
   */
  isConversation?(ref: ConversationRef): Promise<boolean>;
}
