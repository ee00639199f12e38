import type { Job } from "bullmq";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { backendLanguage, langFromLocale } from "../core/conversation/language.js";
import { buttons } from "../core/conversation/replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { queuedText, text } from "../core/conversation/texts.js";
import { seenAtHead } from "../jobs/line-gate.js";
import { QUEUE, type TurnJobData, type UploadJobData } from "../jobs/payloads.js";
import type { ThreadLine } from "../store/thread-line.js";
import type { Delivery } from "./outbox.js";
import type { UserLocales } from "./user-locales.js";

type LineJobData = TurnJobData | UploadJobData;
type Processor<T> = (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<string>;

/**
 * Acknowledges thread work when a worker first takes it (the inbound path posts nothing): the
 * sender's language is completed, then "⏳ On it…" when the work runs at once, or its place in the
 * thread's line (with Cancel for a waiting message). The note's id is kept in the job's own data, so
 * the work edits that message from then on, also after being parked or retaken.
 */
export function acknowledgingFirst<T extends LineJobData>(
  processor: Processor<T>,
  parts: { line: ThreadLine; delivery: Delivery; locales: UserLocales },
): Processor<T> {
  return async (job, token, signal) => {
    if (job.data.ackMessageId === undefined) await acknowledge(job, parts);
    return processor(job, token, signal);
  };
}

async function acknowledge<T extends LineJobData>(
  job: Job<T>,
  parts: { line: ThreadLine; delivery: Delivery; locales: UserLocales },
): Promise<void> {
  const ref = parseRefKey(job.data.refKey);
  let data: T = job.data;
  if (!data.locale && data.userId) {
    const { locale } = await parts.locales.complete({ ref, user: { id: data.userId }, locale: undefined });
    if (locale) data = { ...data, locale, lang: langFromLocale(locale), language: backendLanguage(locale) };
  }
  const ahead = await parts.line.position(data.refKey, { queue: job.queueName, jobId: job.id! });
  if (ahead < 0) return; // withdrawn: the processor leaves at once
  if (ahead === 0) seenAtHead.add(job); // the line gate need not look again
  const note: Reply =
    ahead === 0
      ? { progress: text(data.lang, "ack") }
      : {
          progress: queuedText(data.lang, ahead),
          ...(job.queueName === QUEUE.turn
            ? { actions: buttons(data.lang, ["cancel"], data.inboundId) }
            : {}),
        };
  const ackMessageId = await parts.delivery.post(ref, note, { durable: false });
  job.data = { ...data, ackMessageId };
  await job.updateData(job.data);
}
