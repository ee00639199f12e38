import type { Job } from "bullmq";
import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { TurnJobData } from "../../jobs/payloads.js";
import type { JobServices } from "../../jobs/services.js";
import { quotaRefusalText } from "./quota-replies.js";

type Processor<T> = (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<string>;

/**
 * `QUOTA_QUEUED_PER_THREAD`: when a worker first takes a message (before its acknowledgement), a
 * message with more than that many waiting ahead of it (the running one aside) leaves the line unsent,
 * and its sender reads why. Admins are exempt when `QUOTA_ADMINS_EXEMPT`.
 */
export function limitingQueuedTurns(
  processor: Processor<TurnJobData>,
  services: Pick<JobServices, "line" | "quotas" | "permissions" | "delivery" | "sent" | "logger">,
): Processor<TurnJobData> {
  return async (job, token, signal) => {
    const max = services.quotas.settings.queuedPerThread;
    if (max > 0 && job.data.ackMessageId === undefined && (await overLimit(job, max, services))) {
      return "refused-queue-full";
    }
    return processor(job, token, signal);
  };
}

async function overLimit(
  job: Job<TurnJobData>,
  max: number,
  services: Pick<JobServices, "line" | "quotas" | "permissions" | "delivery" | "sent" | "logger">,
): Promise<boolean> {
  const { refKey, userId, admin, inboundId, lang } = job.data;
  const entry = { queue: job.queueName, jobId: job.id! };
  // Position 0 runs; 1…max wait; beyond that the line is full.
  if ((await services.line.position(refKey, entry)) <= max) return false;
  const ref = parseRefKey(refKey);
  if (
    services.quotas.settings.adminsExempt &&
    (await services.permissions.isAdmin(ref, { id: userId ?? "unknown", admin }))
  )
    return false;
  if (!(await services.line.withdraw(refKey, entry))) return false;
  services.logger.info({ thread: refKey, trace: inboundId, max }, "turn-refused-queue-full");
  services.quotas.refused({ ref, userId: userId ?? "unknown" }, "queued");
  await services.delivery.post(ref, {
    text: quotaRefusalText(lang, { limit: "queued", max, resetMs: 0 }),
    tone: "error",
  });
  await services.sent.markAnswered(inboundId);
  return true;
}
