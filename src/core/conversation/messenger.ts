import type { ConversationRef } from "./conversation-ref.js";
import type { Reply } from "./reply.js";

/**
 * Outbound delivery to one platform. REST only (no gateway connection), so any worker process can
 * deliver. Every reply goes into the conversation's thread.
 *
 * Failures are coded (see `delivery-error.ts`): an edit of a message that can never be edited again
 * rejects with `MESSAGE_GONE`; a rate limit is waited out in place up to a bound, beyond it the call
 * rejects with `RATE_LIMITED`; anything else is transient.
 */
export interface Messenger {
  /**
   * Posts a new message in the thread (several platform messages when the reply is long); resolves to
   * the id of the first, the one `edit` replaces.
   */
  post(ref: ConversationRef, reply: Reply): Promise<string>;
  /** Replaces a message posted earlier. Rejects when the platform refuses (too old, deleted, …). */
  edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void>;
  /**
   * Opens the thread of a conversation that starts with a command in a channel (`ref.thread` empty):
   * posts the opener in the channel and resolves to the conversation in its thread.
   */
  startThread?(ref: ConversationRef, opener: { userId: string; text: string }): Promise<ConversationRef>;
  /** Answers the sender privately at the address the platform gave with their command ({@link Inbound.privateReplyTo}). */
  postPrivately?(address: string, reply: Reply): Promise<void>;
  /**
   * The user's locale and name, when the platform's events do not carry them (cached by the messenger);
   * `isAdmin`: they administer the conversation's workspace; `external`: they belong to another
   * organisation (a Slack Connect member), so they administer nothing here.
   */
  lookupUser?(
    ref: ConversationRef,
    userId: string,
  ): Promise<{
    locale?: string | undefined;
    name?: string | undefined;
    isAdmin?: boolean | undefined;
    external?: boolean | undefined;
  }>;
  /**
   * The `Authorization` value for the platform's private file URLs of `workspace` (Slack: that
   * workspace's own bot token, read from its installation when the app is distributed), or undefined
   * when the bot has none there. Asked by the worker that downloads, so no job carries a token.
   */
  fileAuthorization?(workspace: string): Promise<string | undefined>;
  /**
   * A message to `userId` alone, outside any command or click: in their DM with the bot (Discord, over
   * REST) or the app (Slack, its Messages tab). Rejects when the user cannot be reached.
   */
  postDirect?(ref: ConversationRef, userId: string, reply: Reply): Promise<void>;
  /** A note in the thread that only `userId` sees (Slack `chat.postEphemeral`); else it is posted normally. */
  postEphemeral?(ref: ConversationRef, userId: string, reply: Reply): Promise<void>;
  /**
   * Private mode: posts `opener` in the user's DM with the bot (Discord) or the app (Slack) and
   * resolves to that DM as a conversation, where `post` and `edit` then work. Rejects when the user
   * cannot be reached (DMs closed).
   */
  openDirect?(ref: ConversationRef, userId: string, opener: Reply): Promise<ConversationRef>;
  /**
   * Part by part delivery, on platforms where one reply may take several messages (Discord's 2,000
   * characters, Slack's block limits). The outbox uses it to record each delivered part and to resume
   * at the first part not yet delivered, and to edit every part of a long message in place. Without
   * it a reply is always one message.
   */
  readonly parts?: PartMessenger | undefined;
  /**
   * The platform's own surface for a running turn, where the conversation has one (Slack's AI-app
   * container: a status and a streamed answer); undefined elsewhere. Detected, not configured:
   * a surface the platform refuses turns itself off, and the edited progress message carries on.
   */
  liveTurn?(ref: ConversationRef, turn: LiveTurnInfo): LiveTurn | undefined;
  /** A link that opens the conversation's thread, where the platform has one (continue anywhere's notes). */
  threadLink?(ref: ConversationRef): string | undefined;
}

/** What a {@link LiveTurn} knows of its turn. */
export interface LiveTurnInfo {
  /** The message that started the turn (a new conversation's title). */
  prompt: string;
  /** Whether the turn is the first of its thread. */
  firstInThread: boolean;
  userId?: string | undefined;
}

/** A running turn shown on the platform's own surface. Calls are ordered; failures are the surface's own. */
export interface LiveTurn {
  /** Shows what the bot is doing (a tool label), replacing the previous status. */
  status(label: string): void;
  /** Appends backend text to the streamed answer, exactly as given. */
  text(more: string): void;
  /**
   * Ends the turn and clears the status. When the answer was streamed, the streamed message becomes
   * `final` (its buttons included) and the progress message `replacing` goes away: resolves true.
   * False: nothing was streamed (or `final` is absent), so the answer is delivered as usual.
   */
  finish(final: Reply | undefined, replacing: string | undefined): Promise<boolean>;
}

/** One platform message of a reply, as its messenger rendered it: JSON, opaque to everyone else. */
export type MessagePart = unknown;

/** Delivery of a reply one platform message at a time. */
export interface PartMessenger {
  /** The platform messages `reply` takes, in order (the same reply always gives the same parts). */
  render(reply: Reply): MessagePart[];
  /** Posts one part as a new message in the thread; resolves to its id. */
  post(ref: ConversationRef, part: MessagePart): Promise<string>;
  /** Replaces the message `messageId` with `part`. */
  edit(ref: ConversationRef, messageId: string, part: MessagePart): Promise<void>;
}

/** The messenger of each platform that runs in this process. */
export type Messengers = Partial<Record<ConversationRef["platform"], Messenger>>;
