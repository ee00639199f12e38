import { type ConversationRef, parseRefKey } from "../../core/conversation/conversation-ref.js";
import type { GenerationSettings } from "../../core/conversation/generation-settings.js";
import { backendLanguage, type Lang } from "../../core/conversation/language.js";
import type { LiveTurn } from "../../core/conversation/messenger.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Logger } from "../../core/logger.js";
import type { CallContext } from "../../core/nemo/client.js";
import { isNemoError, type NemoErrorCode } from "../../core/nemo/errors.js";
import type { SentRecord } from "../../store/sent-marker.js";
import type { WorkRecord } from "../../store/work-records.js";
import type { Outbox } from "../outbox.js";
import type { ThreadCalls } from "../thread-account.js";
import { ProgressMessage } from "./progress-message.js";

/** One member message to send to `/run_sse` (exactly once), as the intake queued it. */
export interface TurnMessage {
  /** The inbound event this turn answers (its sent marker, kept prompt and partial answer go by it). */
  inboundId: string;
  refKey: string;
  userId?: string | undefined;
  /** The platform said the sender is an admin (quotas may exempt them). */
  admin?: boolean | undefined;
  /** Language of the user-facing texts. */
  lang: Lang;
  /** Backend session language, used when the thread gets a session. */
  language: string;
  text: string;
  /** The sender pressed Continue on the credits guard's question: not asked again. */
  confirmed?: boolean | undefined;
}

/** What earlier runs of a turn recorded for this one (see `WorkRecord`). */
export type TurnRecord = Pick<
  WorkRecord,
  "ackMessageId" | "recoveryAttempt" | "refusedStatus" | "backendWaitSince" | "backendWaitAttempt"
>;

export interface TurnInput {
  message: TurnMessage;
  record: TurnRecord;
  /** The id of the work carrying the turn, in every log line. */
  workId: string | undefined;
  signal?: AbortSignal | undefined;
  /** The acknowledgement still being posted beside the turn (its id once posted), when it was not yet. */
  ack?: Promise<string | undefined> | undefined;
  /** The sender's settings when this run read them already (the private-mode decision did). */
  settings?: GenerationSettings | undefined;
  /**
   * No run of this work came before (BullMQ counts its starts): its sent marker is not read up front
   * (nothing of it claimed one), only before a step that would answer the message without sending it
   * (a held or refused turn); the claim finds any other.
   */
  firstRun?: boolean | undefined;
  /** The thread's account and session, when their read began before the turn (beside the line's). */
  calls?: Promise<ThreadCalls> | undefined;
}

/**
 * "waiting": the turn waits `delayMs` (recovery poll, refusal check, backend wait) keeping its place in
 * its thread's line; its next run reads `record`.
 */
export type TurnOutcome = { kind: "done" } | { kind: "waiting"; delayMs: number; record: TurnRecord };

export const DONE: TurnOutcome = { kind: "done" };

type Fields = Record<string, unknown>;

/** Log lines carrying the turn's bindings. */
export interface TurnLog {
  info(fields: Fields | string, message?: string): void;
  warn(fields: Fields | string, message?: string): void;
}

/** One run of a turn: what its stages share and learn as it goes. */
export class TurnRun {
  readonly ref: ConversationRef;
  readonly progress: ProgressMessage;
  readonly log: TurnLog;
  /** Set once the message may have reached the backend: from then on, never offer to send it again. */
  mayHaveBeenSent = false;
  /** The thread's account (a linked user's own, or the bot's) for every call of this turn. */
  calls: ThreadCalls | undefined;
  /** The sent marker as claimed or read here (marking it answered then needs no read). */
  known: Pick<SentRecord, "sessionId" | "at"> | undefined;
  /** The platform's live surface while the stream runs (Slack's AI-app container), if any. */
  live: LiveTurn | undefined;
  /** Settings (issue 21): what applies to the sender here, read once when the turn starts. */
  settings: GenerationSettings = {};

  constructor(
    readonly input: TurnInput,
    parts: { outbox: Pick<Outbox, "editOrPost">; editThrottleMs: number; logger: Logger },
  ) {
    const { message, record } = input;
    this.ref = parseRefKey(message.refKey);
    const note = record.ackMessageId ?? input.ack;
    this.progress = new ProgressMessage(parts.outbox, this.ref, note, parts.editThrottleMs);
    // No pino child per turn: thousands of open streams keep no logger each.
    this.log = lazyChild(parts.logger, () => ({
      thread: message.refKey,
      job: input.workId,
      trace: message.inboundId,
    }));
  }

  get message(): TurnMessage {
    return this.input.message;
  }

  /** The language of the bot's words: the sender's `/settings` language, else their locale's. */
  get lang(): Lang {
    return this.settings.language ?? this.input.message.lang;
  }

  /** The language a session created now gets: the sender's `/settings` language, else their locale's. */
  get sessionLanguage(): string {
    const chosen = this.settings.language;
    return chosen ? backendLanguage(chosen) : this.input.message.language;
  }

  get signal(): AbortSignal | undefined {
    return this.input.signal;
  }

  get ctx(): CallContext {
    return this.calls?.ctx ?? { platform: this.ref.platform, signal: this.signal };
  }

  /**
   * Ends the live surface (its status cleared); with `final`, resolves true when the surface streamed
   * the answer and now shows it in place of the progress message.
   */
  async endLive(final: Reply | undefined): Promise<boolean> {
    const live = this.live;
    this.live = undefined;
    if (!live) return false;
    if (final) await this.progress.settle();
    try {
      return await live.finish(final, await this.progress.currentId());
    } catch (error) {
      this.log.info({ err: String(error) }, "live-turn-finish-failed");
      return false;
    }
  }

  /**
   * The turn waits `delayMs`, then runs again with `patch` in its record (and the progress message's id,
   * completed by `runTurn` once the acknowledgement is posted).
   */
  waitFor(delayMs: number, patch: TurnRecord): TurnOutcome {
    return { kind: "waiting", delayMs, record: { ...patch, ackMessageId: this.progress.id } };
  }
}

/** The backend error code of `error`, if it is one of the backend's. */
export function nemoCode(error: unknown): NemoErrorCode | undefined {
  return isNemoError(error) ? error.code : undefined;
}

/**
 * Log lines carrying the turn's bindings, without a pino child per turn (an open stream keeps only the
 * closure; the bindings are built when a line is written).
 */
function lazyChild(logger: Logger, bindings: () => Fields): TurnLog {
  const write =
    (level: "info" | "warn") =>
    (fields: Fields | string, message?: string): void => {
      if (typeof fields === "string") logger[level](bindings(), fields);
      else logger[level]({ ...bindings(), ...fields }, message);
    };
  return { info: write("info"), warn: write("warn") };
}
