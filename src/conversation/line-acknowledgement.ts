import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { backendLanguage, type Lang, langFromLocale } from "../core/conversation/language.js";
import { buttons } from "../core/conversation/replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { queuedText, text } from "../core/conversation/texts.js";
import type { LineEntry } from "../store/thread-line.js";
import type { Outbox } from "./outbox.js";
import type { UserLocales } from "./user-locales.js";

/** Thread work (a turn or an upload) as a worker first takes it. */
export interface NewLineWork {
  refKey: string;
  inboundId: string;
  userId?: string | undefined;
  locale?: string | undefined;
  lang: Lang;
  /** Its place in the thread's line. */
  entry: LineEntry;
  /** A waiting message may be cancelled from its note (turns; uploads run as they come). */
  cancellable: boolean;
  /** Its place in the line (0 runs), read by the caller. */
  ahead: number;
  /** The language the sender chose in `/settings` (over their locale's). */
  chosenLang?: Lang | undefined;
}

/** What acknowledging the work learned: the note it edits from then on, and the sender's locale. */
export interface Acknowledgement {
  /**
   * The note's id once it is posted (the post runs beside what follows; undefined when it could not be
   * posted: the work's next message is then posted anew).
   */
  posted: Promise<string | undefined>;
  /** Looked up when the platform did not say it (undefined when it did, or the lookup found none). */
  locale: string | undefined;
  /** The work is at the head of its line (it runs at once). */
  atHead: boolean;
}

export interface AcknowledgementParts {
  outbox: Pick<Outbox, "post">;
  locales: Pick<UserLocales, "complete">;
}

/**
 * Acknowledges thread work when a worker first takes it (the intake posts nothing): the
 * sender's language is completed, then "⏳ On it…" when the work runs at once, or its place in the
 * thread's line (with Cancel for a waiting message). Undefined when the work left the line meanwhile.
 * The post itself is not awaited: work that runs at once starts beside it (see `posted`).
 */
export async function acknowledge(
  work: NewLineWork,
  parts: AcknowledgementParts,
): Promise<Acknowledgement | undefined> {
  const ref = parseRefKey(work.refKey);
  let found: string | undefined;
  if (!work.locale && work.userId) {
    ({ locale: found } = await parts.locales.complete({ ref, user: { id: work.userId }, locale: undefined }));
  }
  const lang = work.chosenLang ?? (found ? langFromLocale(found) : work.lang);
  const { ahead } = work;
  if (ahead < 0) return undefined;
  const note: Reply =
    ahead === 0
      ? { progress: text(lang, "ack") }
      : {
          progress: queuedText(lang, ahead),
          ...(work.cancellable ? { actions: buttons(lang, ["cancel"], work.inboundId) } : {}),
        };
  const posted = parts.outbox.post(ref, note, { durable: false }).catch(() => undefined);
  return { posted, locale: found, atHead: ahead === 0 };
}

/** The sender's language as a looked-up `locale` says it (texts and the backend session's language). */
export function senderLanguage(locale: string): { locale: string; lang: Lang; language: string } {
  return { locale, lang: langFromLocale(locale), language: backendLanguage(locale) };
}
