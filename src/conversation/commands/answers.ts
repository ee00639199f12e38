import { refKey } from "../../core/conversation/conversation-ref.js";
import type { GenerationSettings } from "../../core/conversation/generation-settings.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import type { Messengers } from "../../core/conversation/messenger.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Intent } from "../../core/conversation/router.js";
import { type TextKey, text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { Outbox } from "../outbox.js";
import { deliverPrivately } from "../private-delivery.js";
import { tellSender } from "../sender-note.js";

/** Where a command's answers go: the thread (through the outbox), or the sender only. */
export interface AnswerParts {
  outbox: Pick<Outbox, "post">;
  messengers: Messengers;
  logger: Logger;
}

/** The answers of one command to its sender, in their language. */
export class Answers {
  constructor(
    private readonly parts: AnswerParts,
    private readonly inbound: Inbound,
    private readonly lang: Lang,
  ) {}

  /** Posts in the thread; resolves to the posted message's id. */
  post(reply: Reply): Promise<string | undefined> {
    return this.parts.outbox.post(this.inbound.ref, reply);
  }

  /** Posts one text in the thread. */
  async say(key: TextKey, params?: Record<string, string | number>): Promise<void> {
    await this.post({ text: text(this.lang, key, params) });
  }

  /** A note for the sender only where the platform allows, else in the thread (see sender-note.ts). */
  tell(reply: Reply): Promise<void> {
    return tellSender(this.parts, this.inbound, reply);
  }

  /** Hands `reply` to the sender alone, never the thread (see `deliverPrivately`); false when it could not. */
  onlyToSender(reply: Reply): Promise<boolean> {
    const { ref, user, privateReplyTo } = this.inbound;
    return deliverPrivately(this.parts, { ref, userId: user.id, privateReplyTo }, reply);
  }

  /** A typed or replayed id of another thread's message or export reaches nothing. */
  refuseElsewhere(action: "retry" | "cancel", target: string | null | undefined): Promise<void> {
    return this.refuse("action_elsewhere", "command-refused-other-thread", target, action);
  }

  refuseNotOwner(action: string): Promise<void> {
    return this.refuse("owner_only", "command-refused-not-owner", undefined, action);
  }

  /** A short refusal for the sender only (where the platform allows), and a log line. */
  async refuse(
    key: TextKey,
    event: string,
    target?: string | null | undefined,
    action?: string,
  ): Promise<void> {
    const { ref, id, user } = this.inbound;
    this.parts.logger.warn({ thread: refKey(ref), trace: id, user: user.id, action, target }, event);
    await this.tell({ text: text(this.lang, key) });
  }
}

/** One command as its handler gets it: the event, its intent, the sender's language, where to answer. */
export interface CommandAsk {
  inbound: Inbound;
  intent: Intent;
  lang: Lang;
  answer: Answers;
  /** The sender's settings here, as read for `lang` (undefined when they could not be read). */
  settings?: GenerationSettings | undefined;
}

export type CommandHandler = (ask: CommandAsk) => Promise<void>;
