import { type ConversationRef, parseRefKey } from "../core/conversation/conversation-ref.js";
import { rateLimitWaitMs } from "../core/conversation/delivery-error.js";
import type { GenerationSettings } from "../core/conversation/generation-settings.js";
import type { Lang } from "../core/conversation/language.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { isDirectMessage } from "../core/conversation/place.js";
import { text } from "../core/conversation/texts.js";
import type { Logger } from "../core/logger.js";
import type { PrivateButtons } from "../store/private-buttons.js";
import type { SettingsStore } from "../store/settings-store.js";
import { PrivateOutbox, type PrivateOutboxInner } from "./private-outbox.js";

/**
 * Where one job's messages go: the thread (`public`), the sender's DM (`private`, `to` the DM as a
 * conversation), or nowhere because private mode is on and the DM cannot be reached (`unreachable`:
 * the job is not run, the thread was told without content).
 */
export type PrivateRoute =
  | { kind: "public" }
  | { kind: "private"; to: ConversationRef }
  | { kind: "unreachable" };

const PUBLIC: PrivateRoute = { kind: "public" };

/** What private mode works with. */
export interface PrivateModeParts {
  settings: Pick<SettingsStore, "effective">;
  messengers: Messengers;
  outbox: PrivateOutboxInner;
  logger: Logger;
  /** Where the DM copies' buttons are bound to their thread and member (none: the copies have none). */
  buttons?: Pick<PrivateButtons, "keep"> | undefined;
}

/** The sender of a job, in its thread. */
export interface PrivateSender {
  refKey: string;
  userId?: string | undefined;
  lang: Lang;
  /** The member's message (a turn's), quoted in the DM's first line. */
  text?: string | undefined;
}

/** How much of the member's message the DM's first line quotes. */
const QUOTED_CHARS = 120;

/** The DM's first line of a private job: which of the member's messages it is about. */
function opener({ lang, text: said }: PrivateSender): string {
  const prompt = said?.trim().replace(/\s+/g, " ");
  if (!prompt) return text(lang, "private_dm_opener");
  const quoted = prompt.length > QUOTED_CHARS ? `${prompt.slice(0, QUOTED_CHARS)}…` : prompt;
  return text(lang, "private_dm_opener_prompt", { prompt: quoted });
}

/**
 * Private mode (`privateResults` in a member's settings, unless the place forbids it): decided once per
 * job, when a worker first takes it. A private job's every message (acknowledgement, progress, the
 * credits guard's question, answer, video, links) goes to the sender's DM with the bot or app; the
 * thread gets one short note without content. A DM that cannot be opened never makes the job public:
 * the thread is told (no content) and the job is not run. A DM conversation is private already; the
 * console has no private place (it says so and stays as it is).
 */
export class PrivateMode {
  constructor(private readonly parts: PrivateModeParts) {}

  /** The sender's effective settings in the thread (undefined without a sender). */
  async settingsOf(sender: PrivateSender): Promise<GenerationSettings | undefined> {
    if (!sender.userId) return undefined;
    return this.parts.settings.effective(parseRefKey(sender.refKey), sender.userId);
  }

  /**
   * Where the job's messages go. `known`: the sender's settings when the caller read them already (the
   * line job reads them beside the line position, and hands them to the turn: one read per job).
   */
  async decide(sender: PrivateSender, known?: GenerationSettings): Promise<PrivateRoute> {
    const { userId } = sender;
    const ref = parseRefKey(sender.refKey);
    if (!userId || isDirectMessage(ref)) return PUBLIC;
    const settings = known ?? (await this.parts.settings.effective(ref, userId));
    if (!settings.privateResults) return PUBLIC;
    if (ref.platform === "console") {
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_console") });
      return PUBLIC;
    }
    try {
      const messenger = this.parts.messengers[ref.platform];
      // A platform without DMs is no reason to post in public: the job is refused as unreachable.
      if (!messenger?.openDirect) throw new Error(`no direct messages on ${ref.platform}`);
      const to = await messenger.openDirect(ref, userId, { text: opener(sender) });
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_note") });
      return { kind: "private", to };
    } catch (error) {
      // A rate limit passes: the job is tried again later (its DM may well open then).
      if (rateLimitWaitMs(error) !== undefined) throw error;
      this.parts.logger.info({ thread: sender.refKey, err: String(error) }, "private-dm-unreachable");
      await this.parts.outbox.post(ref, { text: text(sender.lang, "private_dm_unreachable"), tone: "error" });
      return { kind: "unreachable" };
    }
  }

  /** The outbox of `userId`'s private job in the thread `thread`, whose messages go to `privateTo`. */
  outboxFor(thread: string, privateTo: string, userId: string | undefined): PrivateOutbox {
    return new PrivateOutbox(this.parts.outbox, { thread, privateTo, userId }, this.parts.buttons);
  }
}
