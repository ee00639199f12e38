import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import { type CommandParts, Commands } from "../conversation/commands/command-table.js";
import {
  isPermanentRefusal,
  openThread,
  type ThreadOpeningParts,
  tellThreadOpenFailed,
} from "../conversation/commands/thread-opening.js";
import { errorMessage } from "../conversation/outbox.js";
import { PrivateMode } from "../conversation/private-mode.js";
import { UserLocales } from "../conversation/user-locales.js";
import { type FollowUps, TryLater } from "../conversation/work-queue.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { listExports } from "../store/export-history.js";
import { ExportLocks } from "../store/export-locks.js";
import { ExportReferences } from "../store/export-references.js";
import { ExportStore } from "../store/export-store.js";
import { OpenedThreads } from "../store/opened-threads.js";
import { PrivateButtons } from "../store/private-buttons.js";
import { ProjectMoves } from "../store/project-moves.js";
import { PromptRecords } from "../store/prompt-records.js";
import { QuickReplyRecords } from "../store/quick-reply-records.js";
import { ThreadOwners } from "../store/thread-owners.js";
import { VariationBatches, VariationSources } from "../store/variation-batches.js";
import { WorkRecords } from "../store/work-records.js";
import { BullWorkQueue } from "./bull-work-queue.js";
import type { CommandJobData } from "./payloads.js";
import type { JobServices } from "./services.js";

type CommandServices = Pick<
  JobServices,
  | "redis"
  | "keys"
  | "client"
  | "sessions"
  | "line"
  | "queues"
  | "outbox"
  | "logger"
  | "sent"
  | "permissions"
  | "quotas"
  | "usage"
  | "accounts"
  | "replies"
  | "projectLinks"
  // Settings (issue 21)
  | "settings"
  // Variations
  | "guard"
  | "timings"
>;

interface CommandOptions {
  followUps: FollowUps;
  messengers: Messengers;
  maxUploadBytes: number;
}

/** Each command's collaborators, over this process's Redis and queues. */
function commandParts(services: CommandServices, options: CommandOptions): CommandParts & ThreadOpeningParts {
  const { redis, keys, queues, guard, ...used } = services;
  const queue = new BullWorkQueue(queues);
  return {
    ...used,
    ...options,
    queue,
    jobs: queue,
    prompts: new PromptRecords(redis, keys),
    locks: new ExportLocks(redis, keys),
    exportStore: new ExportStore(redis, keys),
    openedThreads: new OpenedThreads(redis, keys),
    records: new WorkRecords(redis, keys),
    exportsOf: (platform, userId) => listExports(redis, keys, platform, userId),
    // Quick replies
    quickReplies: new QuickReplyRecords(redis, keys),
    // Variations
    variationSources: new VariationSources(redis, keys),
    variationBatches: new VariationBatches(redis, keys),
    generationCost: guard.settings.generationCost,
    privacy: new PrivateMode({
      ...services,
      messengers: options.messengers,
      buttons: new PrivateButtons(redis, keys),
    }),
    // Continue anywhere
    moves: new ProjectMoves(redis, keys),
    owners: new ThreadOwners(redis, keys),
    exportReferences: new ExportReferences(redis, keys),
  };
}

/**
 * The `command` worker: answers what the bot handles itself (see conversation/commands/) and opens the
 * thread of a conversation started by a command in a channel. Runs at once, outside the thread's line.
 */
export function createCommandProcessor(services: CommandServices, options: CommandOptions) {
  const parts = commandParts(services, options);
  const locales = new UserLocales(parts.messengers);
  const commands = new Commands(parts);
  return async (job: Job<CommandJobData>, token?: string): Promise<string> => {
    let { inbound } = job.data;
    if (job.data.replyKept) inbound = { ...inbound, privateReplyTo: await services.replies.read(inbound.id) };
    if (!inbound.locale) inbound = await locales.complete(inbound);
    // `/continue CODE` in a channel opens its thread only once the code is good (project-move.ts).
    if (inbound.newThread && job.data.intent.kind !== "move_here") {
      const opened = await openThread(parts, inbound).catch(async (error: unknown) => {
        if (!isPermanentRefusal(error) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        await tellThreadOpenFailed(parts, inbound, error);
        throw new UnrecoverableError(errorMessage(error));
      });
      // The conversation now has its thread: its work is queued there, as if it had been sent there.
      await parts.followUps.event({ ...inbound, ref: opened, newThread: false }, job.data.intent);
      return "thread-opened";
    }
    try {
      await commands.run(inbound, job.data.intent);
    } catch (error) {
      if (!(error instanceof TryLater)) throw error;
      // Waiting (a variation for a running slot) holds no worker slot: the job comes back later.
      await job.moveToDelayed(Date.now() + error.delayMs, token);
      throw new DelayedError();
    }
    return job.data.intent.kind;
  };
}
