import { createHash } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Keys } from "./keys.js";
import {
  type CommandJobData,
  type DeliverJobData,
  QUEUE,
  type RenderJobData,
  type TurnJobData,
  type UploadJobData,
} from "./payloads.js";

export interface Queues {
  turn: Queue<TurnJobData>;
  upload: Queue<UploadJobData>;
  render: Queue<RenderJobData>;
  deliver: Queue<DeliverJobData>;
  command: Queue<CommandJobData>;
}

export function createQueues(connection: Redis, keys: Keys): Queues {
  const options = { connection, prefix: keys.bull };
  return {
    turn: new Queue<TurnJobData>(QUEUE.turn, options),
    upload: new Queue<UploadJobData>(QUEUE.upload, options),
    render: new Queue<RenderJobData>(QUEUE.render, options),
    deliver: new Queue<DeliverJobData>(QUEUE.deliver, options),
    command: new Queue<CommandJobData>(QUEUE.command, options),
  };
}

export async function closeQueues(queues: Queues): Promise<void> {
  const all: Queue[] = Object.values(queues);
  await Promise.all(all.map((queue) => queue.waitUntilReady().catch(() => undefined)));
  await Promise.all(all.map((queue) => queue.close()));
}

/** A BullMQ job id for an inbound id (BullMQ ids may not contain ':' nor be integers). */
export function jobIdFor(kind: string, inboundId: string): string {
  return `${kind}-${createHash("sha1").update(inboundId).digest("hex").slice(0, 24)}`;
}
