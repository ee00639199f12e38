import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import { langFromLocale } from "../../core/conversation/language.js";
import type { Messengers } from "../../core/conversation/messenger.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { OpenedThreads } from "../../store/opened-threads.js";
import type { SettingsStore } from "../../store/settings-store.js";
import { errorMessage } from "../outbox.js";

export interface ThreadOpeningParts {
  openedThreads: Pick<OpenedThreads, "find" | "remember">;
  messengers: Messengers;
  logger: Logger;
  /** Private mode: the opener of a member who has it on does not quote their command. */
  settings?: Pick<SettingsStore, "effective"> | undefined;
}

/**
 * Posts the opener of a conversation started by a command in a channel, once per event: its thread
 * is remembered under the event id, so a retried job continues in the thread it already opened.
 */
export async function openThread(parts: ThreadOpeningParts, inbound: Inbound): Promise<ConversationRef> {
  const remembered = await parts.openedThreads.find(inbound.id);
  if (remembered) return { ...inbound.ref, thread: remembered };
  const messenger = parts.messengers[inbound.ref.platform];
  if (!messenger?.startThread) throw new Error(`${inbound.ref.platform} cannot open threads`);
  const { privateResults } = (await parts.settings?.effective(inbound.ref, inbound.user.id)) ?? {};
  const shown = privateResults ? text(langFromLocale(inbound.locale), "private_opener") : inbound.text;
  const opened = await messenger.startThread(inbound.ref, { userId: inbound.user.id, text: shown });
  await parts.openedThreads.remember(inbound.id, opened.thread);
  return opened;
}

/** A refusal by the platform (not in the channel, archived…): it will not change on a retry. */
export function isPermanentRefusal(error: unknown): boolean {
  return error instanceof Error && "permanent" in error && error.permanent === true;
}

/** The thread could not be opened (e.g. the bot is not in the channel): the sender is told privately. */
export async function tellThreadOpenFailed(
  parts: ThreadOpeningParts,
  inbound: Inbound,
  error: unknown,
): Promise<void> {
  parts.logger.warn({ trace: inbound.id, err: errorMessage(error) }, "thread-open-failed");
  const messenger = parts.messengers[inbound.ref.platform];
  if (!inbound.privateReplyTo || !messenger?.postPrivately) return;
  const lang = langFromLocale(inbound.locale);
  await messenger
    .postPrivately(inbound.privateReplyTo, { text: text(lang, "thread_open_failed"), tone: "error" })
    .catch((failure: unknown) => parts.logger.info({ err: errorMessage(failure) }, "private-reply-failed"));
}
