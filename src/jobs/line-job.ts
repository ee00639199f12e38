import { DelayedError, type Job } from "bullmq";
import {
  type AcknowledgementParts,
  acknowledge,
  senderLanguage,
} from "../conversation/line-acknowledgement.js";
import type { PrivateMode } from "../conversation/private-mode.js";
import type { PrivateOutbox } from "../conversation/private-outbox.js";
import { refKey as keyOf, parseRefKey } from "../core/conversation/conversation-ref.js";
import type { GenerationSettings } from "../core/conversation/generation-settings.js";
import type { Lang } from "../core/conversation/language.js";
import { text } from "../core/conversation/texts.js";
import type { Logger } from "../core/logger.js";
import type { ThreadLine } from "../store/thread-line.js";
import { legacyWorkRecord, type WorkRecord, type WorkRecords } from "../store/work-records.js";
import { type LineQueues, leaveLine, seenAtHead, takeTurnInLine } from "./line-gate.js";
import { QUEUE, type TurnJobData, type UploadJobData } from "./payloads.js";

type LineJobData = TurnJobData | UploadJobData;
type Processor<T> = (job: Job<T>, token?: string, signal?: AbortSignal) => Promise<string>;

/** How one run of line work ended: done, or waiting until `at` (epoch ms) with `record` for its next run. */
export type LineOutcome = { kind: "done" } | { kind: "waiting"; at: number; record: WorkRecord };

/**
 * One run of line work: the job's data with the sender's language completed, and its record so far;
 * `ack`, when the acknowledgement is still being posted beside the work (its id once posted).
 */
export type LineWork<T> = (
  job: Job<T>,
  data: T,
  record: WorkRecord,
  signal: AbortSignal | undefined,
  ack?: Promise<string | undefined>,
  /** Private mode: the job's messages go to its sender's DM through this outbox. */
  privately?: PrivateOutbox,
  /** The sender's settings, when this run read them already (its first: beside the line position). */
  settings?: GenerationSettings,
) => Promise<LineOutcome>;

export interface LineJobParts extends AcknowledgementParts {
  line: ThreadLine;
  records: WorkRecords;
  queues: LineQueues;
  lineRecheckMs: number;
  logger: Logger;
  /**
   * Before a first acknowledgement, given the work's place in its line: true when the work is refused
   * (it left the line, its sender was told).
   */
  refuseFirst?:
    | ((data: LineJobData, entry: { queue: string; jobId: string }, ahead: number) => Promise<boolean>)
    | undefined;
  /** Private mode: decided when a worker first takes the work (see `private-mode.ts`). */
  privacy?: Pick<PrivateMode, "settingsOf" | "decide" | "outboxFor"> | undefined;
}

/**
 * Thread work as a BullMQ job: acknowledged when a worker first takes it, run only at the head of its
 * thread's line, parked as a delayed job while it waits (holding no worker slot), and leaving the line
 * (waking the next) when done. What a run learns goes into the job's `WorkRecord`, never its data.
 * With `ackBeside`, work that runs at once starts beside its acknowledgement's post (no platform round
 * trip before it; the work edits the note once it is posted).
 */
export function lineJob<T extends LineJobData>(
  parts: LineJobParts,
  work: LineWork<T>,
  options: { ackBeside?: boolean } = {},
): Processor<T> {
  return async (job, token, signal) => {
    const entry = { queue: job.queueName, jobId: job.id! };
    // A job's first run (BullMQ counts every start) has no record yet: only runs write it. A turn reads
    // its sender's settings on every run (the turn reuses them): beside its record.
    const firstRun = isFirstRun(job);
    const [stored, early] = await Promise.all([
      firstRun ? {} : parts.records.read(entry.jobId),
      job.queueName === QUEUE.turn ? parts.privacy?.settingsOf(job.data).catch(() => undefined) : undefined,
    ]);
    let record = { ...legacyWorkRecord(job.data), ...stored };
    let ack: Awaited<ReturnType<typeof acknowledgeFirst>> = { record };
    let settings = early;
    let privately: PrivateOutbox | undefined;
    if (record.ackMessageId === undefined) {
      // Its place in the line (unless it joined at the head: there it stays), read once for the queued
      // limit and the acknowledgement, beside the sender's settings when not read yet (private mode, the
      // note's language; the turn reuses them).
      let ahead: number;
      [ahead, settings] = await Promise.all([
        job.data.joinedAtHead === true && job.attemptsMade === 0
          ? 0
          : parts.line.position(job.data.refKey, entry),
        settings ?? (record.privateTo === undefined ? parts.privacy?.settingsOf(job.data) : undefined),
      ]);
      if (await parts.refuseFirst?.(job.data, entry, ahead)) return "refused-queue-full";
      const decided = await decidePrivacy(job, record, parts, settings);
      if (decided === "unreachable") return "refused-private-unreachable";
      record = decided;
      privately = privateOutbox(parts, job.data, record);
      const ackParts = { ...parts, outbox: privately ?? parts.outbox };
      const beside = options.ackBeside === true;
      ack = await acknowledgeFirst(job, record, ackParts, { beside, ahead, lang: settings?.language });
      record = ack.record;
    }
    const { refKey } = job.data;
    const go = await takeTurnInLine(
      job,
      token,
      parts.line,
      refKey,
      parts.queues,
      parts.lineRecheckMs,
      parts.logger,
    );
    if (!go) return "withdrawn";
    const data = record.locale ? { ...job.data, ...senderLanguage(record.locale) } : job.data;
    let outcome: LineOutcome;
    try {
      privately ??= privateOutbox(parts, job.data, record);
      outcome = await work(job, data, record, signal, ack.posted, privately, settings);
    } finally {
      // The acknowledgement's id is in the work record before the record is replaced or cleared.
      await ack.recorded;
    }
    if (outcome.kind === "waiting") {
      await parts.records.write(entry.jobId, outcome.record);
      await job.moveToDelayed(outcome.at, token);
      throw new DelayedError();
    }
    await leaveLine(job, parts.line, refKey, parts.queues, parts.logger, true);
    await parts.records.clear(entry.jobId);
    return "done";
  };
}

/** No run of the job came before this one (BullMQ counts every start, retries and retakes too). */
export function isFirstRun(job: Job): boolean {
  return job.attemptsStarted === 1 && job.attemptsMade === 0;
}

/**
 * Private mode, decided once per job: a private job's DM is kept in its record. When the DM cannot be
 * reached the work leaves the line unrun (its sender was told in the thread, without content).
 */
async function decidePrivacy(
  job: Job<LineJobData>,
  record: WorkRecord,
  parts: LineJobParts,
  settings: GenerationSettings | undefined,
): Promise<WorkRecord | "unreachable"> {
  if (!parts.privacy || record.privateTo !== undefined) return record;
  const route = await parts.privacy.decide(job.data, settings);
  if (route.kind === "public") return record;
  if (route.kind === "unreachable") {
    await parts.line.withdraw(job.data.refKey, { queue: job.queueName, jobId: job.id! });
    await parts.records.clear(job.id!);
    return "unreachable";
  }
  const privateTo = keyOf(route.to);
  await parts.records.write(job.id!, { privateTo });
  return { ...record, privateTo };
}

/** The outbox of a private job (its record names its DM); undefined for a public one. */
function privateOutbox(
  parts: Pick<LineJobParts, "privacy">,
  data: LineJobData,
  record: WorkRecord,
): PrivateOutbox | undefined {
  const { privateTo } = record;
  return privateTo && parts.privacy
    ? parts.privacy.outboxFor(data.refKey, privateTo, data.userId)
    : undefined;
}

/**
 * The first acknowledgement: its record, and — when `beside` and the work runs at once — the post still
 * under way (`posted`) and the record of its id being written (`recorded`).
 */
async function acknowledgeFirst(
  job: Job<LineJobData>,
  record: WorkRecord,
  parts: LineJobParts,
  { beside, ahead, lang }: { beside: boolean; ahead: number; lang?: Lang | undefined },
): Promise<{ record: WorkRecord; posted?: Promise<string | undefined>; recorded?: Promise<void> }> {
  const { data } = job;
  const ack = await acknowledge(
    {
      ...data,
      entry: { queue: job.queueName, jobId: job.id! },
      cancellable: job.queueName === QUEUE.turn,
      ahead,
      chosenLang: lang,
    },
    parts,
  );
  if (!ack) return { record }; // withdrawn: the work leaves at once
  if (ack.atHead) seenAtHead.add(job); // the line gate need not look again
  const locale = ack.locale ? { locale: ack.locale } : {};
  const recorded = ack.posted.then((ackMessageId) =>
    parts.records.write(job.id!, { ackMessageId, ...locale }),
  );
  if (beside && ack.atHead) return { record: { ...record, ...locale }, posted: ack.posted, recorded };
  await recorded;
  return { record: { ...record, ackMessageId: await ack.posted, ...locale } };
}

/** Line work that will not run again: its thread's line must not stay blocked, and its sender is told. */
export async function lineJobFailed(
  job: Job<LineJobData>,
  parts: Pick<LineJobParts, "line" | "records" | "queues" | "logger" | "privacy"> & {
    outbox: { post: AcknowledgementParts["outbox"]["post"] };
  },
): Promise<void> {
  const { data } = job;
  const record = await parts.records.read(job.id!);
  const lang = record.locale ? senderLanguage(record.locale).lang : data.lang;
  await leaveLine(job, parts.line, data.refKey, parts.queues, parts.logger);
  await (privateOutbox(parts, data, record) ?? parts.outbox).post(parseRefKey(data.refKey), {
    text: text(lang, "internal_error"),
    tone: "error",
  });
}
