import { DelayedError, type Job } from "bullmq";
import type { GuardVerdict } from "../conversation/policies/credits-guard.js";
import { quotaRefusalText } from "../conversation/policies/quota-replies.js";
import { type ThreadCalls, threadCalls } from "../conversation/thread-account.js";
import { ProgressMessage } from "../conversation/turn/progress-message.js";
import { TurnQuota } from "../conversation/turn/turn-quota.js";
import { followStream, type StreamOutcome } from "../conversation/turn/turn-stream.js";
import { type ConversationRef, parseRefKey } from "../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../core/conversation/conversation-store.js";
import { failureCode, failureFields } from "../core/conversation/failure-code.js";
import { translateBackendText } from "../core/conversation/gui-translation.js";
import type { LiveTurn } from "../core/conversation/messenger.js";
import { ANSWER_ACTIONS, buttons, errorReply, isRetryable } from "../core/conversation/replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { likelyGenerates } from "../core/conversation/router.js";
import { type TextKey, text } from "../core/conversation/texts.js";
import type { CallContext } from "../core/nemo/client.js";
import { isNemoError } from "../core/nemo/errors.js";
import { describeStateChange, type StateBaseline, stateFingerprint } from "../core/nemo/state-diff.js";
import type { NemoState } from "../core/nemo/types.js";
import type { QuotaRefusal } from "../store/quotas.js";
import type { SentRecord } from "../store/sent-marker.js";
import { leaveLine, takeTurnInLine } from "./line-gate.js";
import type { TurnJobData } from "./payloads.js";
import type { JobServices } from "./services.js";

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

/** "waiting": the job moved itself to delayed (recovery poll, refusal check, backend wait), keeping its place. */
type Outcome = "done" | "waiting";

/** What the user reads when a state comparison ends a turn. */
interface ChangeWords {
  changed: string;
  unchanged: string;
  /** Offer Retry when nothing changed. */
  retry: boolean;
}

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
    if (outcome === "waiting") throw new DelayedError();
    // This thread waited through an outage: a later outage tells it again.
    if (job.data.backendWaitSince !== undefined)
      await services.redis.del(services.keys.backendWaitTold(refKey));
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
  private calls: ThreadCalls | undefined;
  /** The platform's live surface while the stream runs (Slack's AI-app container), if any. */
  private live: LiveTurn | undefined;
  private firstInThread = false;
  /** Quota points taken for this send (given back when the backend refuses it or it never left). */
  private quota: { giveBack(): Promise<void> } | undefined;
  private quotaOfTurn: TurnQuota | undefined;
  /** The sent marker as claimed or read here (marking it answered then needs no read). */
  private known: Pick<SentRecord, "sessionId" | "at"> | undefined;

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
    // No pino child per job: thousands of open streams keep no logger each.
    this.log = lazyChild(services.logger, () => ({
      thread: job.data.refKey,
      job: job.id,
      trace: job.data.inboundId,
    }));
  }

  private get ctx(): CallContext {
    return this.calls?.ctx ?? { platform: this.ref.platform, signal: this.signal };
  }

  async run(): Promise<Outcome> {
    try {
      // The thread's account (a linked user's own, or the bot's) for every call of this turn.
      this.calls = await threadCalls(this.services, this.ref, {
        userId: this.job.data.userId,
        signal: this.signal,
      });
      const sent = await this.services.sent.read(this.job.data.inboundId);
      if (sent) {
        this.mayHaveBeenSent = true;
        this.known = sent;
        // Answered already (its job was retaken after the answer was posted): just leave the line.
        if (sent.answered) return "done";
        return await this.recover(sent);
      }
      // The backend is known to be unreachable: wait without trying (the message keeps its place).
      if (await this.services.breaker.check()) return await this.waitForBackend(undefined);
      return await this.send();
    } catch (error) {
      if (this.signal?.aborted) {
        // Shutting down: leave the job for another worker; the sent marker turns it into a recovery.
        this.progress.cancel();
        throw error;
      }
      // Nothing was sent and the backend could not be reached: wait for it rather than dead-end.
      if (!this.mayHaveBeenSent && isCode(error, "NEMO_UNAVAILABLE")) return await this.waitForBackend(error);
      this.log.warn({ ...failureFields(error), err: String(error) }, "turn-failed");
      const retryArg = isRetryable(error) && !this.mayHaveBeenSent ? this.job.data.inboundId : undefined;
      await this.progress.finish(errorReply(error, this.job.data.lang, retryArg));
      await this.services.sent.markAnswered(this.job.data.inboundId, {
        retryOffered: retryArg !== undefined,
        known: this.known,
      });
      return "done";
    }
  }

  private async send(): Promise<Outcome> {
    const { data } = this.job;
    this.firstInThread = !(await this.services.sessions.find(this.ref));
    let record = await this.services.sessions.ensure(
      this.ref,
      data.language,
      this.signal,
      this.calls?.account,
    );
    // After the session (creating one costs no credits, and fails fast when the backend is down).
    if (await this.heldByCreditsGuard(this.firstInThread)) return "done";
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
    if (!this.quota) {
      const refusal = await this.takeQuota();
      if (refusal) return this.refuseByQuota(refusal);
    }
    const running = await this.turnQuota.takeRunning();
    if (!running.ok) {
      await this.giveQuotaBack();
      return this.refuseByQuota(running.refusal);
    }
    try {
      return await this.streamCounted(record, before, mayRestart);
    } finally {
      await running.giveBack().catch(() => undefined);
    }
  }

  private get turnQuota(): TurnQuota {
    this.quotaOfTurn ??= new TurnQuota(this.services, this.ref, this.job.data);
    return this.quotaOfTurn;
  }

  /** Takes this turn's points; the refusal when a limit is reached. */
  private async takeQuota(): Promise<QuotaRefusal | undefined> {
    const quota = this.turnQuota;
    const take = await quota.take();
    if (!take.ok) return take.refusal;
    this.quota = take;
    return undefined;
  }

  private async giveQuotaBack(): Promise<void> {
    const quota = this.quota;
    this.quota = undefined;
    await quota?.giveBack();
  }

  /** A limit is reached: nothing is sent; the user reads which, and when it resets. */
  private async refuseByQuota(refusal: QuotaRefusal): Promise<Outcome> {
    const { lang, inboundId } = this.job.data;
    this.log.info({ limit: refusal.limit, scope: refusal.scope, max: refusal.max }, "turn-refused-quota");
    const retry = refusal.limit === "running";
    await this.progress.finish({
      text: quotaRefusalText(lang, refusal),
      tone: "error",
      ...(retry ? { actions: buttons(lang, ["retry"], inboundId) } : {}),
    });
    await this.services.sent.markAnswered(inboundId, { retryOffered: retry });
    return "done";
  }

  private async streamCounted(
    record: ConversationRecord,
    before: NemoState,
    mayRestart: boolean,
  ): Promise<Outcome> {
    const { data } = this.job;
    const claim: SentRecord = { sessionId: record.sessionId, before, at: Date.now() };
    this.mayHaveBeenSent = true;
    if (!(await this.services.sent.claim(data.inboundId, claim))) {
      await this.giveQuotaBack();
      const sent = (await this.services.sent.read(data.inboundId)) ?? claim;
      this.known = sent;
      return this.recover(sent);
    }
    this.known = claim;
    this.log.info(
      { session: record.sessionId, account: this.calls?.account ? "user" : "bot" },
      "turn-sending",
    );
    const stream = this.services.client.sendMessage(this.ctx, record.sessionId, data.text, {
      hardCapMs: this.services.timings.streamHardCapMs,
      heartbeatTimeoutMs: this.services.timings.heartbeatTimeoutMs,
    });
    this.live = this.services.delivery.liveTurn(this.ref, {
      prompt: data.text,
      firstInThread: this.firstInThread,
      userId: data.userId,
    });
    try {
      return await this.streamed(stream, record, before, mayRestart);
    } finally {
      await this.endLive(undefined);
    }
  }

  private async streamed(
    stream: ReturnType<JobServices["client"]["sendMessage"]>,
    record: ConversationRecord,
    before: NemoState,
    mayRestart: boolean,
  ): Promise<Outcome> {
    const { data } = this.job;
    let outcome: StreamOutcome;
    try {
      outcome = await followStream(stream, data.lang, this.progress, {
        live: this.live,
        stillWorkingMs: this.services.timings.stillWorkingMs,
        maxAnswerChars: this.services.maxAnswerChars,
        keep: (answer) => this.services.partials.save(data.inboundId, answer),
        keepEveryMs: this.services.timings.editThrottleMs,
        onTool: (name) => this.turnQuota.toolCalled(name, this.log),
      });
      await this.turnQuota.sent(this.log);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (code === "NEMO_REFUSED" && !this.signal?.aborted) {
        const status = (error as { status?: number }).status ?? 0;
        this.log.warn({ status }, "turn-refused");
        await this.progress.finish({ progress: text(data.lang, "refused_checking", { status }) });
        return this.delayJob(this.services.timings.refusalCheckDelayMs, { refusedStatus: status });
      }
      const unreached =
        code === "NEMO_UNAVAILABLE" &&
        (error as { requestMayHaveReached?: boolean }).requestMayHaveReached === false;
      if (REFUSALS.has(code) || unreached) {
        await this.services.sent.release(data.inboundId);
        this.mayHaveBeenSent = false;
        this.known = undefined;
        if (code === "NEMO_SESSION_NOT_FOUND" && mayRestart) {
          return this.streamCounted(await this.restartSession(), EMPTY_STATE, false);
        }
        await this.giveQuotaBack();
        throw error;
      }
      if (LOST_STREAM.has(code) && !this.signal?.aborted) {
        await this.turnQuota.sent(this.log);
        this.log.warn({ code, stats: stream.stats }, "turn-stream-lost");
        return this.startRecovery();
      }
      throw error;
    }
    this.log.info({ stats: stream.stats, chars: outcome.text.length, cut: outcome.cut }, "turn-stream-ended");
    if (outcome.text.trim()) {
      // The whole answer is durable before its delivery: a worker dying now leaves it to the takeover.
      await this.services.partials.save(data.inboundId, { ...outcome, ended: true });
      return this.deliverAnswer(outcome);
    }
    let after: NemoState;
    try {
      after = await this.services.client.state(this.ctx, record.sessionId);
    } catch (error) {
      // The message was taken; what it did is read again later rather than reported as a failure.
      this.log.warn({ code: (error as { code?: unknown }).code }, "turn-silent-state-unreadable");
      return this.startRecovery();
    }
    await this.reportChange(before, after, this.words("silent_change_header", "silent_no_change", false));
    return "done";
  }

  /** The backend's answer (whole, or what arrived before the stream was lost: then `note` says so). */
  private async deliverAnswer(answer: StreamOutcome, note?: TextKey): Promise<Outcome> {
    const { lang, inboundId } = this.job.data;
    const translated = translateBackendText(answer.text.trim(), lang);
    const prefix =
      answer.rawVideoReported && answer.postProduction ? `${text(lang, "post_production_done")}\n\n` : "";
    const notes = [
      answer.cut ? text(lang, "answer_too_long", { max: this.services.maxAnswerChars }) : "",
      note ? text(lang, note) : "",
    ].filter(Boolean);
    const final = {
      text: [`${prefix}${translated.text}`, ...notes].join("\n\n"),
      actions: buttons(lang, [...translated.actions, ...ANSWER_ACTIONS]),
    };
    if (!(await this.endLive(final))) await this.progress.finish(final);
    await this.services.sent.markAnswered(inboundId, { known: this.known, clearPartial: true });
    await this.services.sessions.touch(this.ref);
    return "done";
  }

  /**
   * Ends the live surface (its status cleared); with `final`, resolves true when the surface streamed
   * the answer and now shows it in place of the progress message.
   */
  private async endLive(final: Reply | undefined): Promise<boolean> {
    const live = this.live;
    this.live = undefined;
    if (!live) return false;
    if (final) await this.progress.settle();
    try {
      return await live.finish(final, this.progress.id);
    } catch (error) {
      this.log.info({ err: String(error) }, "live-turn-finish-failed");
      return false;
    }
  }

  /**
   * After a lost stream, a crash or a refusal: never send again. What the stream delivered is kept (an
   * ended stream's whole answer, or a text-only answer cut off mid-way, is delivered at once); else poll
   * the state and report what changed (a refusal: one check only).
   */
  private async recover(sent: SentRecord): Promise<Outcome> {
    const { data } = this.job;
    const partial = await this.services.partials.read(data.inboundId);
    if (partial && (partial.ended || (!partial.tools && partial.text.trim()))) {
      this.log.info({ ended: partial.ended, chars: partial.text.length }, "turn-kept-answer-delivered");
      return this.deliverAnswer(partial, partial.ended ? undefined : "answer_cut_off");
    }
    const refused = data.refusedStatus;
    const attempt = data.recoveryAttempt;
    if (refused === undefined && attempt === undefined) return this.startRecovery();
    const last = refused !== undefined || (attempt ?? 0) + 1 >= this.services.timings.recoveryDelaysMs.length;
    const words =
      refused === undefined
        ? this.words("recovered_changes", "recovery_nothing", true)
        : {
            changed: text(data.lang, "refused_but_changed", { status: refused }),
            unchanged: text(data.lang, "refused_not_processed", { status: refused }),
            retry: true,
          };
    let after: NemoState;
    try {
      after = await this.services.client.state(this.ctx, sent.sessionId);
    } catch (error) {
      if (refused !== undefined) {
        // The backend refused the message and cannot be asked: the refusal is what the user hears.
        await this.finishUnchanged(words, partial?.text);
        return "done";
      }
      const transient = isCode(error, "NEMO_UNAVAILABLE") || isCode(error, "NEMO_RATE_LIMITED");
      if (!transient || last) throw error;
      return this.scheduleRecovery((attempt ?? 0) + 1);
    }
    const change = describeStateChange(sent.before, after, data.lang);
    if (change.changed || last) {
      this.log.info({ attempt, refused, changed: change.changed }, "turn-recovery-finished");
      await this.reportChange(sent.before, after, words, partial?.text);
      return "done";
    }
    return this.scheduleRecovery((attempt ?? 0) + 1);
  }

  private async startRecovery(): Promise<Outcome> {
    this.progress.update({ progress: text(this.job.data.lang, "recovering") });
    return this.scheduleRecovery(0);
  }

  private async scheduleRecovery(attempt: number): Promise<Outcome> {
    const delay = this.services.timings.recoveryDelaysMs[attempt] ?? 60_000;
    await this.progress.finish({ progress: text(this.job.data.lang, "recovering") });
    return this.delayJob(delay, { recoveryAttempt: attempt });
  }

  /**
   * The backend cannot be reached and nothing was sent: the job waits as a delayed job with backoff,
   * keeping its place at the head of its thread's line (what comes after it in the thread waits too, in
   * order). The thread is told once; after `backendMaxWaitMs` the message fails with Retry.
   */
  private async waitForBackend(error: unknown): Promise<Outcome> {
    const { data } = this.job;
    // What the user reads carries the cause's short code (the log line of the wait has it too).
    const coded = (message: string) =>
      error === undefined
        ? message
        : text(data.lang, "error_with_code", { message, code: failureCode(error) });
    const failure = error === undefined ? { failure: "E-UNAVAILABLE" } : failureFields(error);
    const { timings, breaker, redis, keys } = this.services;
    const since = data.backendWaitSince ?? Date.now();
    const waited = Date.now() - since;
    breaker.waitsTotal.inc();
    if (waited >= timings.backendMaxWaitMs) {
      this.log.warn({ waitedMs: waited, ...failure }, "turn-backend-wait-gave-up");
      await this.progress.finish({
        text: coded(
          text(data.lang, "backend_unreachable_gave_up", {
            minutes: Math.max(1, Math.round(waited / 60_000)),
          }),
        ),
        tone: "error",
        actions: buttons(data.lang, ["retry"], data.inboundId),
      });
      return "done";
    }
    const attempt = data.backendWaitAttempt ?? 0;
    const delay = Math.min(timings.backendWaitFirstMs * 2 ** attempt, timings.backendWaitMaxDelayMs);
    const tell = await redis.set(
      keys.backendWaitTold(data.refKey),
      "1",
      "PX",
      timings.backendMaxWaitMs,
      "NX",
    );
    if (tell === "OK")
      await this.progress.finish({ progress: coded(text(data.lang, "backend_unreachable_queued")) });
    this.log.warn({ attempt, delayMs: delay, ...failure }, "turn-waiting-for-backend");
    return this.delayJob(delay, { backendWaitSince: since, backendWaitAttempt: attempt + 1 });
  }

  /** Moves this job to delayed (it keeps its place in its thread's line) with `patch` in its data. */
  private async delayJob(ms: number, patch: Partial<TurnJobData>): Promise<Outcome> {
    await this.job.updateData({ ...this.job.data, ...patch, ackMessageId: this.progress.id });
    await this.job.moveToDelayed(Date.now() + ms, this.token);
    return "waiting";
  }

  private words(changed: TextKey, unchanged: TextKey, retry: boolean): ChangeWords {
    const lang = this.job.data.lang;
    return { changed: text(lang, changed), unchanged: text(lang, unchanged), retry };
  }

  /** Reports what changed, after what the stream said before it was lost (`keptText`, marked cut off). */
  private async reportChange(
    before: StateBaseline | null,
    after: NemoState,
    words: ChangeWords,
    keptText?: string,
  ): Promise<void> {
    const lang = this.job.data.lang;
    const change = describeStateChange(before, after, lang);
    if (change.changed) {
      await this.progress.finish({
        text: [
          ...this.keptLines(keptText),
          [words.changed, ...change.lines.map((line) => `• ${line}`)].join("\n"),
        ].join("\n\n"),
        actions: buttons(lang, ANSWER_ACTIONS),
      });
      await this.services.sent.markAnswered(this.job.data.inboundId, {
        known: this.known,
        clearPartial: keptText !== undefined,
      });
    } else {
      await this.finishUnchanged(words, keptText);
    }
    await this.services.sessions.touch(this.ref, stateFingerprint(after));
  }

  private async finishUnchanged(words: ChangeWords, keptText?: string): Promise<void> {
    const { lang, inboundId } = this.job.data;
    await this.progress.finish({
      text: [...this.keptLines(keptText), words.unchanged].join("\n\n"),
      actions: words.retry ? buttons(lang, ["retry"], inboundId) : [],
    });
    await this.services.sent.markAnswered(inboundId, {
      retryOffered: words.retry,
      known: this.known,
      clearPartial: keptText !== undefined,
    });
  }

  private keptLines(keptText: string | undefined): string[] {
    const said = keptText?.trim();
    if (!said) return [];
    const lang = this.job.data.lang;
    return [translateBackendText(said, lang).text, text(lang, "answer_cut_off")];
  }

  private get accountKey(): string {
    return this.calls?.account?.id ?? "bot";
  }

  /**
   * The credits guard, before anything is sent: a likely generation (a hint in the text, or a thread's
   * first message) under the threshold is held for Continue / Cancel (its prompt is kept for Continue);
   * under the estimate the message is refused with where credits come from. A failed balance read
   * holds nothing back.
   */
  private async heldByCreditsGuard(firstMessage: boolean): Promise<boolean> {
    const { data } = this.job;
    const { guard, sent, client, delivery } = this.services;
    let verdict: GuardVerdict;
    try {
      const likely = likelyGenerates(data.text) || firstMessage;
      verdict = await guard.check(this.ctx, this.accountKey, {
        likelyGenerates: likely,
        confirmed: data.confirmed === true,
      });
    } catch (error) {
      // An unreachable backend is the turn's to wait for (nothing was sent); any other failure of the
      // balance read holds nothing back.
      if (isCode(error, "NEMO_UNAVAILABLE")) throw error;
      this.log.warn({ ...failureFields(error) }, "credits-guard-unavailable");
      return false;
    }
    const lang = data.lang;
    if (verdict.kind === "go") {
      if (verdict.lowWarning) {
        this.log.info({ balance: verdict.lowWarning.balance }, "credits-low-warning");
        await delivery.post(this.ref, {
          text: text(lang, "credits_low", { balance: verdict.lowWarning.balance }),
        });
      }
      return false;
    }
    const amounts = { balance: verdict.balance, cost: verdict.cost };
    this.log.info({ verdict: verdict.kind, ...amounts }, "credits-guard-held");
    if (verdict.kind === "confirm") {
      await this.progress.finish({
        text: text(lang, "credits_guard_confirm", amounts),
        actions: buttons(lang, ["continue", "drop"], data.inboundId),
      });
      await sent.markAnswered(data.inboundId, { retryOffered: true });
      return true;
    }
    const shared = !this.calls?.account && client.isAnonymous;
    await this.progress.finish({
      text: text(lang, shared ? "credits_guard_refused_shared" : "credits_guard_refused", amounts),
      tone: "error",
      ...(shared ? {} : { links: [{ label: text(lang, "link_billing"), url: client.billingUrl }] }),
    });
    await sent.markAnswered(data.inboundId);
    return true;
  }

  private async restartSession(): Promise<ConversationRecord> {
    this.log.warn("turn-session-restarted");
    const record = await this.services.sessions.create(
      this.ref,
      this.job.data.language,
      this.signal,
      this.calls?.account,
    );
    await this.services.delivery.post(this.ref, { text: text(this.job.data.lang, "session_restarted") });
    return record;
  }
}

/**
 * Log lines carrying the job's bindings, without a pino child per job (an open stream keeps only the
 * closure; the bindings are built when a line is written).
 */
function lazyChild(logger: JobServices["logger"], bindings: () => Record<string, unknown>) {
  const write =
    (level: "info" | "warn") =>
    (fields: Record<string, unknown> | string, message?: string): void => {
      if (typeof fields === "string") logger[level](bindings(), fields);
      else logger[level]({ ...bindings(), ...fields }, message);
    };
  return { info: write("info"), warn: write("warn") };
}

function isCode(error: unknown, code: string): boolean {
  return isNemoError(error) && error.code === code;
}
