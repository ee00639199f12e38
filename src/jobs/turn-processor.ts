import { DelayedError, type Job } from "bullmq";
import { type ConversationRef, parseRefKey } from "../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../core/conversation/conversation-store.js";
import { failureFields } from "../core/conversation/failure-code.js";
import { translateBackendText } from "../core/conversation/gui-translation.js";
import { text } from "../core/conversation/texts.js";
import { isNemoError } from "../core/nemo/errors.js";
import { describeStateChange, stateFingerprint } from "../core/nemo/state-diff.js";
import type { NemoState } from "../core/nemo/types.js";
import { leaveLine, takeTurnInLine } from "./line-gate.js";
import type { TurnJobData } from "./payloads.js";
import { ProgressMessage } from "./progress-message.js";
import { ANSWER_ACTIONS, buttons, errorReply, isRetryable } from "./replies.js";
import type { SentRecord } from "./sent-marker.js";
import type { JobServices } from "./services.js";
import { followStream } from "./turn-stream.js";

const EMPTY_STATE: NemoState = { draft: null, videoInfos: [], canvasConfig: null, generatedMedia: [] };

/** Errors that mean the backend refused the message: it did not act on it, so it may be sent later. */
const REFUSALS = new Set([
  "NEMO_OUT_OF_CREDITS",
  "NEMO_RATE_LIMITED",
  "NEMO_AUTH",
  "NEMO_BAD_REQUEST",
  "NEMO_SESSION_NOT_FOUND",
]);
/** Errors after which the backend may still be working on the message: recover from its state. */
const LOST_STREAM = new Set([
  "NEMO_STREAM_DROPPED",
  "NEMO_HEARTBEAT_TIMEOUT",
  "NEMO_STREAM_TIMEOUT",
  "NEMO_UNAVAILABLE",
]);

type Outcome = "done" | "recovering";

/** The `turn` worker: one `/run_sse` per user message, never twice. */
export function createTurnProcessor(services: JobServices) {
  const lineQueues = { turn: services.queues.turn, upload: services.queues.upload };
  return async (job: Job<TurnJobData>, token?: string, signal?: AbortSignal): Promise<string> => {
    const { refKey } = job.data;
    const go = await takeTurnInLine(
      job,
      token,
      services.line,
      refKey,
      lineQueues,
      services.timings.lineRecheckMs,
      services.logger,
    );
    if (!go) return "withdrawn";
    const turn = new Turn(services, job, token, signal);
    const outcome = await turn.run();
    if (outcome === "recovering") throw new DelayedError();
    await leaveLine(job, services.line, refKey, lineQueues, services.logger);
    return outcome;
  };
}

class Turn {
  private readonly ref: ConversationRef;
  private readonly progress: ProgressMessage;
  private readonly log;
  /** Set once the message may have reached the backend: from then on, never offer to send it again. */
  private mayHaveBeenSent = false;

  constructor(
    private readonly services: JobServices,
    private readonly job: Job<TurnJobData>,
    private readonly token: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.ref = parseRefKey(job.data.refKey);
    this.progress = new ProgressMessage(
      services.delivery,
      this.ref,
      job.data.ackMessageId,
      services.timings.editThrottleMs,
    );
    this.log = services.logger.child({ thread: job.data.refKey, job: job.id });
  }

  private get ctx() {
    return { platform: this.ref.platform, signal: this.signal };
  }

  async run(): Promise<Outcome> {
    try {
      const sent = await this.services.sent.read(this.job.data.inboundId);
      if (sent) {
        this.mayHaveBeenSent = true;
        // Answered already (its job was retaken after the answer was posted): just leave the line.
        if (sent.answered) return "done";
        return await this.recover(sent);
      }
      return await this.send();
    } catch (error) {
      if (this.signal?.aborted) {
        // Shutting down: leave the job for another worker; the sent marker turns it into a recovery.
        this.progress.cancel();
        throw error;
      }
      this.log.warn({ ...failureFields(error), err: String(error) }, "turn-failed");
      const retryArg = isRetryable(error) && !this.mayHaveBeenSent ? this.job.data.inboundId : undefined;
      await this.progress.finish(errorReply(error, this.job.data.lang, retryArg));
      return "done";
    }
  }

  private async send(): Promise<Outcome> {
    const { data } = this.job;
    let record = await this.services.sessions.ensure(this.ref, data.language, this.signal);
    let before: NemoState;
    try {
      before = await this.services.client.state(this.ctx, record.sessionId);
    } catch (error) {
      if (!isCode(error, "NEMO_SESSION_NOT_FOUND")) throw error;
      record = await this.restartSession();
      before = EMPTY_STATE;
    }
    return this.stream(record, before, true);
  }

  private async stream(record: ConversationRecord, before: NemoState, mayRestart: boolean): Promise<Outcome> {
    const { data } = this.job;
    const claim: SentRecord = { sessionId: record.sessionId, before, at: Date.now() };
    this.mayHaveBeenSent = true;
    if (!(await this.services.sent.claim(data.inboundId, claim))) {
      return this.recover((await this.services.sent.read(data.inboundId)) ?? claim);
    }
    this.log.info({ session: record.sessionId }, "turn-sending");
    const stream = this.services.client.sendMessage(this.ctx, record.sessionId, data.text, {
      hardCapMs: this.services.timings.streamHardCapMs,
      heartbeatTimeoutMs: this.services.timings.heartbeatTimeoutMs,
    });
    let outcome: Awaited<ReturnType<typeof followStream>>;
    try {
      outcome = await followStream(stream, data.lang, this.progress, this.services.timings.stillWorkingMs);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      const unreached =
        code === "NEMO_UNAVAILABLE" &&
        (error as { requestMayHaveReached?: boolean }).requestMayHaveReached === false;
      if (REFUSALS.has(code) || unreached) {
        await this.services.sent.release(data.inboundId);
        this.mayHaveBeenSent = false;
        if (code === "NEMO_SESSION_NOT_FOUND" && mayRestart) {
          return this.stream(await this.restartSession(), EMPTY_STATE, false);
        }
        throw error;
      }
      if (LOST_STREAM.has(code) && !this.signal?.aborted) {
        this.log.warn({ code, stats: stream.stats }, "turn-stream-lost");
        return this.startRecovery();
      }
      throw error;
    }
    this.log.info({ stats: stream.stats, chars: outcome.text.length }, "turn-stream-ended");
    const said = outcome.text.trim();
    if (said) {
      const translated = translateBackendText(said, data.lang);
      const prefix =
        outcome.rawVideoReported && outcome.postProduction
          ? `${text(data.lang, "post_production_done")}\n\n`
          : "";
      await this.progress.finish({
        text: `${prefix}${translated.text}`,
        actions: buttons(data.lang, [...translated.actions, ...ANSWER_ACTIONS]),
      });
      await this.services.sent.markAnswered(data.inboundId);
      await this.services.sessions.touch(this.ref);
      return "done";
    }
    let after: NemoState;
    try {
      after = await this.services.client.state(this.ctx, record.sessionId);
    } catch (error) {
      // The message was taken; what it did is read again later rather than reported as a failure.
      this.log.warn({ code: (error as { code?: unknown }).code }, "turn-silent-state-unreadable");
      return this.startRecovery();
    }
    await this.reportChange(before, after, "silent_change_header", "silent_no_change");
    return "done";
  }

  /** After a lost stream or a crash: poll the state, never send again. */
  private async recover(sent: SentRecord): Promise<Outcome> {
    const attempt = this.job.data.recoveryAttempt;
    if (attempt === undefined) return this.startRecovery();
    const delays = this.services.timings.recoveryDelaysMs;
    let after: NemoState;
    try {
      after = await this.services.client.state(this.ctx, sent.sessionId);
    } catch (error) {
      const transient = isCode(error, "NEMO_UNAVAILABLE") || isCode(error, "NEMO_RATE_LIMITED");
      if (!transient || attempt + 1 >= delays.length) throw error;
      return this.scheduleRecovery(attempt + 1);
    }
    const change = describeStateChange(sent.before, after, this.job.data.lang);
    if (change.changed || attempt + 1 >= delays.length) {
      this.log.info({ attempt, changed: change.changed }, "turn-recovery-finished");
      await this.reportChange(sent.before, after, "recovered_changes", "recovery_nothing");
      return "done";
    }
    return this.scheduleRecovery(attempt + 1);
  }

  private async startRecovery(): Promise<Outcome> {
    this.progress.update({ progress: text(this.job.data.lang, "recovering") });
    return this.scheduleRecovery(0);
  }

  private async scheduleRecovery(attempt: number): Promise<Outcome> {
    const delay = this.services.timings.recoveryDelaysMs[attempt] ?? 60_000;
    await this.progress.finish({ progress: text(this.job.data.lang, "recovering") });
    await this.job.updateData({ ...this.job.data, recoveryAttempt: attempt, ackMessageId: this.progress.id });
    await this.job.moveToDelayed(Date.now() + delay, this.token);
    return "recovering";
  }

  private async reportChange(
    before: NemoState | null,
    after: NemoState,
    changedKey: "silent_change_header" | "recovered_changes",
    unchangedKey: "silent_no_change" | "recovery_nothing",
  ): Promise<void> {
    const lang = this.job.data.lang;
    const change = describeStateChange(before, after, lang);
    if (change.changed) {
      await this.progress.finish({
        text: [text(lang, changedKey), ...change.lines.map((line) => `• ${line}`)].join("\n"),
        actions: buttons(lang, ANSWER_ACTIONS),
      });
    } else {
      const retry =
        unchangedKey === "recovery_nothing" ? buttons(lang, ["retry"], this.job.data.inboundId) : [];
      await this.progress.finish({ text: text(lang, unchangedKey), actions: retry });
    }
    await this.services.sent.markAnswered(this.job.data.inboundId);
    await this.services.sessions.touch(this.ref, stateFingerprint(after));
  }

  private async restartSession(): Promise<ConversationRecord> {
    this.log.warn("turn-session-restarted");
    const record = await this.services.sessions.create(this.ref, this.job.data.language, this.signal);
    await this.services.delivery.post(this.ref, { text: text(this.job.data.lang, "session_restarted") });
    return record;
  }
}

function isCode(error: unknown, code: string): boolean {
  return isNemoError(error) && error.code === code;
}
