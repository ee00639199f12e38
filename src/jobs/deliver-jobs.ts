import { DelayedError, type Job, type Queue } from "bullmq";
import type { Timings } from "../config/timings.js";
import type { Outbox } from "../conversation/outbox.js";
import type { OutboxQueue } from "../conversation/outbox-queue.js";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { rateLimitWaitMs } from "../core/conversation/delivery-error.js";
import type { DeliverJobData } from "./payloads.js";

/** The outbox's queue: each delivery a `deliver` job, retried with exponential backoff. */
export function outboxQueue(
  queue: Queue<DeliverJobData>,
  timings: Pick<Timings, "deliverAttempts" | "deliverBackoffMs">,
): OutboxQueue {
  return {
    async add(outbox, options) {
      await queue.add("deliver", outbox, {
        ...(options.id === undefined ? {} : { jobId: options.id }),
        attempts: timings.deliverAttempts,
        backoff: { type: "exponential", delay: timings.deliverBackoffMs },
        delay: options.delayMs ?? 0,
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
  };
}

/**
 * The deliver worker's processor: runs the delivery (the job's id is the delivery's, the same for each
 * attempt); a rate-limited delivery waits (as a delayed job, holding no worker) as long as the platform
 * asked, without using up an attempt.
 */
export function createDeliverProcessor(outbox: Pick<Outbox, "deliver">) {
  return async (job: Job<DeliverJobData>, token?: string): Promise<void> => {
    try {
      await outbox.deliver(job.data, parseRefKey(job.data.refKey), job.id!);
    } catch (error) {
      const wait = rateLimitWaitMs(error);
      if (wait === undefined || token === undefined) throw error;
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
  };
}
