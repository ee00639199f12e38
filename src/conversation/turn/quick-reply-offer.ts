import { quickChoices, quickRecordId, replyChoices } from "../../core/conversation/quick-replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { QuickReplyRecords } from "../../store/quick-reply-records.js";
import type { TurnRun } from "./turn-run.js";

/** Where an answer's choices are kept; absent: no quick replies. */
type OfferParts = { quickReplies?: Pick<QuickReplyRecords, "keep" | "settled"> | undefined };

/** The final answer as it is posted, and what to note once it is. */
export interface QuickReplyOffer {
  reply: Reply;
  /**
   * The turn is done (called last, after the session's use was recorded): the answer was posted as
   * `messageId`, if known (its choices' record learns it, to show the choice taken).
   */
  settled(messageId: string | undefined): Promise<void>;
}

/**
 * Quick replies of an answer that ends with choices (see quick-replies.ts): they are kept in their
 * record BEFORE the answer is posted (a click can never find nothing), and the answer carries only
 * their labels and `<record id>:<index>`. `said` is the backend's whole answer (not cut off).
 */
export async function offerQuickReplies(
  parts: OfferParts,
  run: TurnRun,
  said: string,
  final: Reply,
): Promise<QuickReplyOffer> {
  const store = parts.quickReplies;
  const choices = store ? quickChoices(said, run.lang) : [];
  if (!store || choices.length === 0) return { reply: final, settled: async () => undefined };
  const recordId = quickRecordId(run.message.inboundId);
  await store.keep(recordId, { refKey: run.message.refKey, lang: run.lang, choices, reply: final });
  return {
    reply: { ...final, choices: replyChoices(recordId, choices) },
    settled: (messageId) => store.settled(recordId, messageId, Date.now()),
  };
}
