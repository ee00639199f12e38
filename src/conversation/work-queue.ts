import type { Attachment, Inbound } from "../core/conversation/inbound.js";
import type { Lang } from "../core/conversation/language.js";
import type { Intent } from "../core/conversation/router.js";
import type { ExportRequest } from "../store/export-store.js";
import type { LineEntry } from "../store/thread-line.js";

/** What every piece of a thread's work carries: the event it answers, the thread, the sender. */
export interface ThreadWork {
  /** The inbound event this work answers (its id makes the work unique). */
  inboundId: string;
  refKey: string;
  /** Who sent it, and their locale when the platform said it (else a worker looks it up). */
  userId?: string | undefined;
  /** The platform said the sender is an admin (quotas may exempt them); else a worker may look it up. */
  admin?: boolean | undefined;
  locale?: string | undefined;
  /** Language of the user-facing texts. */
  lang: Lang;
  /** Backend session language, used when the thread gets a session. */
  language: string;
  /**
   * It joined its thread's line at the head: it stays there until it leaves (work joins only at the end,
   * and a head leaves only when its work ends, or its job is found finished or missing), so its first
   * run need not read its place.
   */
  joinedAtHead?: true | undefined;
}

/** The work of each kind, as the queues take it. */
export interface WorkPayloads {
  /** One member message for the backend, in line. */
  turn: ThreadWork & {
    text: string;
    /** The sender pressed Continue on the credits guard's question: not asked again. */
    confirmed?: boolean | undefined;
  };
  /** Files to upload, in line. */
  upload: ThreadWork & { attachments: Attachment[] };
  /**
   * An event the bot answers itself, run at once. Its private reply address is never in here: with
   * `replyKept` the intake kept it (sealed) under the event's id, see `ReplyAddresses`.
   */
  command: { inbound: Inbound; intent: Intent; replyKept?: boolean | undefined };
  /** An export of the thread's draft (its progress message already posted). */
  export: ExportRequest;
}

export type WorkKind = keyof WorkPayloads;

/**
 * The queues behind the intake and the commands (BullMQ, in src/jobs/). Adding is idempotent: the job
 * id is made from the event id, and adding an id that exists adds nothing.
 */
export interface WorkQueue {
  /** Where an event's work of this kind goes: its queue and job id (also its entry in a thread's line). */
  entryFor(kind: WorkKind, eventId: string): LineEntry;
  /** Adds the work under the job id made from `eventId`; a replay adds nothing. */
  add<K extends WorkKind>(kind: K, eventId: string, work: WorkPayloads[K]): Promise<void>;
  /** Whether the job (by its id) still waits or runs: false once it finished, failed or is gone. */
  pending(kind: WorkKind, jobId: string): Promise<boolean>;
}

/**
 * Follow-up work a command queues: through the same once-only step as the intake, so a retried
 * command job queues nothing twice. Workers never re-enter the intake.
 */
export interface FollowUps {
  /** An event's work in its thread, as the intake queues it: the owner claimed, then a turn, upload or command. */
  event(inbound: Inbound, intent: Intent): Promise<void>;
  /** A message for the backend under the event's id, in line; its prompt is kept for Retry. */
  turn(inbound: Inbound, message: string, extra?: { confirmed?: boolean }): Promise<void>;
}

/** Work waiting in (or at the head of) a thread's line, as cancelling needs to know it. */
export interface QueuedJob {
  refKey: string;
  /** Who sent it. */
  userId: string | undefined;
  /** Since when it runs (epoch ms), else since when it waits. */
  since: number | undefined;
  /** Takes the job out of its queue (best effort: it may be gone already). */
  remove(): Promise<void>;
}

/** Reads the jobs behind a thread's line entries (BullMQ, in src/jobs/). */
export interface QueuedJobs {
  /** Whether the entry is a message for the backend (uploads are not cancelled). */
  isTurn(entry: LineEntry): boolean;
  /** The job behind the entry, or undefined when it is gone. */
  find(entry: LineEntry): Promise<QueuedJob | undefined>;
}

/**
 * Thrown by a command's work that cannot go on yet (a variation waiting for a running slot): the
 * worker puts the job back as delayed for `delayMs`, holding no slot meanwhile, and runs it again.
 */
export class TryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`try again in ${delayMs} ms`);
    this.name = "TryLater";
  }
}
