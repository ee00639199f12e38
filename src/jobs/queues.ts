import { hash } from "node:crypto";
import { Queue } from "bullmq";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "../store/keys.js";
import { type JobData, QUEUE } from "./payloads.js";

/** One queue per kind of work, by queue. */
export type Queues = { [Name in keyof JobData]: Queue<JobData[Name]> };

/** Finished jobs BullMQ keeps (for the queue board and debugging), by age and by count. */
export const JOB_RETENTION = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
} as const;

/** Entries kept in each queue's events stream: nothing listens to it (no QueueEvents), so few suffice. */
const EVENTS_MAX_LEN = 100;

export function createQueues(connection: RedisClient, keys: Keys): Queues {
  const options = {
    connection,
    prefix: keys.bull,
    // Workers read the stream's length limit from the queue's meta key, which the queue writes.
    streams: { events: { maxLen: EVENTS_MAX_LEN } },
    defaultJobOptions: JOB_RETENTION,
  };
  return {
    turn: new Queue<JobData["turn"]>(QUEUE.turn, options),
    upload: new Queue<JobData["upload"]>(QUEUE.upload, options),
    export: new Queue<JobData["export"]>(QUEUE.export, options),
    deliver: new Queue<JobData["deliver"]>(QUEUE.deliver, options),
    command: new Queue<JobData["command"]>(QUEUE.command, options),
  };
}

export async function closeQueues(queues: Queues): Promise<void> {
  const all: Queue[] = Object.values(queues);
  await Promise.all(all.map((queue) => queue.waitUntilReady().catch(() => undefined)));
  await Promise.all(all.map((queue) => queue.close()));
}

/**
 * A BullMQ job id for an inbound id (BullMQ ids may not contain ':' nor be integers). The one-shot
 * `hash` (no Hash object per call) is on the gateway's path of every event.
 */
export function jobIdFor(kind: string, inboundId: string): string {
  return `${kind}-${hash("sha1", inboundId, "hex").slice(0, 24)}`;
}
