import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { Lang } from "../../core/conversation/language.js";
import type { Logger } from "../../core/logger.js";
import type { Quotas } from "../../store/quotas.js";
import type { SentMarker } from "../../store/sent-marker.js";
import type { LineEntry, ThreadLine } from "../../store/thread-line.js";
import type { Outbox } from "../outbox.js";
import type { Permissions } from "./permissions.js";
import { quotaRefusalText } from "./quota-replies.js";

/** A message as a worker first takes it (before its acknowledgement). */
export interface WaitingMessage {
  refKey: string;
  inboundId: string;
  userId?: string | undefined;
  admin?: boolean | undefined;
  lang: Lang;
  entry: LineEntry;
  /** Its place in the line (0 runs), read by the caller. */
  ahead: number;
}

export interface QueuedLimitParts {
  line: Pick<ThreadLine, "withdraw">;
  quotas: Pick<Quotas, "settings" | "refused">;
  permissions: Pick<Permissions, "quotaExemption">;
  outbox: Pick<Outbox, "post">;
  sent: Pick<SentMarker, "markAnswered">;
  logger: Logger;
}

/**
 * `QUOTA_QUEUED_PER_THREAD`: when a worker first takes a message (before its acknowledgement), a
 * message with more than that many waiting ahead of it (the running one aside) leaves the line unsent,
 * and its sender reads why. A place's own limit: operators, and its admins when `QUOTA_ADMINS_EXEMPT`,
 * are exempt. True when it was refused.
 */
export async function refusedByQueuedLimit(
  message: WaitingMessage,
  parts: QueuedLimitParts,
): Promise<boolean> {
  const max = parts.quotas.settings.queuedPerThread;
  if (max <= 0) return false;
  const { refKey, userId, admin, inboundId, lang, entry } = message;
  // Position 0 runs; 1…max wait; beyond that the line is full.
  if (message.ahead <= max) return false;
  const ref = parseRefKey(refKey);
  if ((await parts.permissions.quotaExemption(ref, { id: userId ?? "unknown", admin })) !== "none")
    return false;
  if (!(await parts.line.withdraw(refKey, entry))) return false;
  parts.logger.info({ thread: refKey, trace: inboundId, max }, "turn-refused-queue-full");
  parts.quotas.refused({ ref, userId: userId ?? "unknown" }, "queued");
  await parts.outbox.post(ref, {
    text: quotaRefusalText(lang, { limit: "queued", max, resetMs: 0 }),
    tone: "error",
  });
  await parts.sent.markAnswered(inboundId);
  return true;
}
