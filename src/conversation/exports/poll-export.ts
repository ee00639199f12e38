import { type ConversationRef, parseRefKey } from "../../core/conversation/conversation-ref.js";
import { failureFields } from "../../core/conversation/failure-code.js";
import { exportProgressText } from "../../core/conversation/progress-bar.js";
import { buttons, errorReply } from "../../core/conversation/replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import { errorCode } from "../../core/error-code.js";
import type { Logger } from "../../core/logger.js";
import { hostOf, mediaUrlRefusal } from "../../core/media-url.js";
import type { CallContext } from "../../core/nemo/client.js";
import type { PendingExport } from "../../store/export-store.js";
import { routedOutbox } from "../private-outbox.js";
import type { ExportDeps } from "./export-deps.js";
import { completedReply, finishExport, rememberExport } from "./finish-export.js";
import { submitExport } from "./submit-export.js";

/**
 * One turn of the poller for one export: submits it to the backend (the backend's render id is recorded
 * before it leaves, so a poller killed meanwhile leaves no second render behind), or reads its status
 * and reports. The poll
 * interval shrinks to `exportPollMs` while progress moves and doubles up to `exportPollMaxMs` while it
 * stalls; a stalled poll writes nothing (its claim already moved it to its next poll time). The final
 * message goes through the outbox once (`finishExport`). A failed render is retried once with a new id.
 */
export function pollExport(deps: ExportDeps, record: PendingExport, signal: AbortSignal): Promise<string> {
  return new ExportPoll(deps, record, signal).run();
}

class ExportPoll {
  private readonly ref: ConversationRef;
  /** The thread's call context (the bot's until the thread's account is read). */
  private ctx: CallContext;
  private readonly log: Logger;
  private readonly deps: ExportDeps;

  constructor(
    deps: ExportDeps,
    private readonly record: PendingExport,
    private readonly signal: AbortSignal,
  ) {
    // Private mode: every message of the export goes to the asker's DM.
    this.deps = { ...deps, outbox: routedOutbox(deps.outbox, record, deps.privateButtons) };
    this.ref = parseRefKey(record.refKey);
    this.ctx = { platform: this.ref.platform, signal };
    this.log = deps.logger.child({ thread: record.refKey, job: record.id, trace: record.trace });
  }

  async run(): Promise<string> {
    try {
      this.ctx = await this.deps.calls(this.ref, this.signal);
      const { renderId, submitting, cancelled } = this.record;
      // Cancelled before it left: never submitted.
      if (!renderId && !submitting && cancelled)
        return await this.finish("cancelled", { text: text(this.record.lang, "export_cancelled") });
      if (!renderId) return await this.submit();
      return await this.check(renderId);
    } catch (error) {
      return await this.recover(error);
    }
  }

  private async submit(): Promise<string> {
    const { record } = this;
    const submitted = await submitExport(this.deps, record, this.ctx);
    if (submitted !== "submitted")
      return this.finish(submitted, { text: text(record.lang, "export_no_draft") });
    this.log.info({ render: record.renderId, submission: record.submission }, "export-submitted");
    const patch = await this.show(0);
    await this.deps.store.update(record.id, patch);
    return "submitted";
  }

  private async check(renderId: string): Promise<string> {
    const status = await this.deps.client.exportStatus(this.ctx, renderId);
    if (status.status === "completed" && status.outputUrl) return this.completed(renderId, status.outputUrl);
    if (status.status === "failed") return this.failed(status.error);
    if (this.timedOut()) return this.timeOut();
    const progress = Math.round(status.progress);
    return progress === this.record.lastProgress ? this.stalled() : this.moved(progress);
  }

  private async completed(renderId: string, url: string): Promise<string> {
    const { deps, record } = this;
    const session = await deps.sessions.find(this.ref);
    const download = deps.client.downloadUrl(renderId);
    // An output URL outside the backend's sites is neither fetched nor shown: the download link is.
    const refusal = deps.media ? mediaUrlRefusal(url, deps.media) : undefined;
    if (refusal) this.log.warn({ reason: refusal, host: hostOf(url), render: renderId }, "video-url-refused");
    const shown = refusal ? download : url;
    const { reply, reference } = await completedReply(deps, record, this.ctx, shown, session, this.log);
    if (refusal) reply.text = `${reply.text}\n${text(record.lang, "export_video_url_refused")}`;
    reply.video.fallbackUrl = download;
    await rememberExport(deps, record, this.ctx, session, reply).catch((error: unknown) =>
      this.log.warn({ err: String(error) }, "history-record-failed"),
    );
    const outcome = await this.finish("completed", reply);
    if (reference) {
      await deps.projectLinks
        .handOver(reference, record.lang, this.ctx, this.log)
        .catch((error: unknown) => this.log.warn({ err: String(error) }, "project-link-hand-over-failed"));
    }
    return outcome;
  }

  /** A failed render: cancelled by the user, retried once with a new id, else reported. */
  private async failed(error: string | undefined): Promise<string> {
    const { record } = this;
    const { lang } = record;
    if (record.cancelled || /cancel/i.test(error ?? ""))
      return this.finish("cancelled", { text: text(lang, "export_cancelled") });
    if (record.submission >= 2)
      return this.finish("failed", {
        text: text(lang, "export_failed"),
        tone: "error",
        actions: buttons(lang, ["export"]),
      });
    this.log.warn({ render: record.renderId, error }, "export-failed-retrying");
    await this.deps.outbox.editOrPost(
      this.ref,
      record.ackMessageId,
      { progress: text(lang, "export_failed_retrying") },
      { durable: false },
    );
    Object.assign(record, { renderId: undefined, submitting: undefined, submission: record.submission + 1 });
    await this.deps.store.update(record.id, { renderId: "", submitting: "", submission: record.submission });
    return pollExport(this.deps, record, this.signal);
  }

  /** Progress moved: shown, and the next poll comes sooner (down to `exportPollMs`). */
  private async moved(progress: number): Promise<string> {
    const { record } = this;
    const patch = await this.show(progress);
    const interval = Math.max(this.deps.timings.exportPollMs, Math.floor(record.interval / 2));
    await this.deps.store.update(
      record.id,
      { ...patch, lastProgress: progress, interval },
      Date.now() + interval,
    );
    return "moving";
  }

  /** Stalled: the claim already set the next poll at twice the interval; only the interval is noted. */
  private async stalled(): Promise<string> {
    const { timings } = this.deps;
    const { record } = this;
    const interval = Math.min(timings.exportPollMaxMs, Math.max(timings.exportPollMs, record.interval * 2));
    if (interval !== record.interval) await this.deps.store.update(record.id, { interval });
    return "waiting";
  }

  private async recover(error: unknown): Promise<string> {
    if (this.signal.aborted) throw error;
    // A blip while polling must not abandon a render that keeps running at the backend.
    const code = errorCode(error);
    const transient = code === "NEMO_UNAVAILABLE" || code === "NEMO_RATE_LIMITED";
    if (this.record.renderId && transient && !this.timedOut()) {
      this.log.warn({ code, render: this.record.renderId }, "export-poll-failed-retrying");
      return this.stalled();
    }
    if (this.record.renderId && transient) return this.timeOut();
    this.log.warn({ ...failureFields(error), err: String(error) }, "export-error");
    return this.finish("error", errorReply(error, this.record.lang));
  }

  private timedOut(): boolean {
    const { record } = this;
    return Date.now() - (record.submittedAt ?? Date.now()) > this.deps.timings.exportTimeoutMs;
  }

  private async timeOut(): Promise<string> {
    const { lang, renderId } = this.record;
    await this.deps.client.cancelExport(this.ctx, renderId!).catch(() => undefined);
    return this.finish("timed-out", {
      text: text(lang, "export_timed_out"),
      actions: buttons(lang, ["export"]),
    });
  }

  /** The export's progress message; a patch with its new message id when it had to be posted anew. */
  private async show(progress: number): Promise<Partial<PendingExport>> {
    const { record } = this;
    const elapsedMs = Date.now() - (record.submittedAt ?? Date.now());
    const ack = await this.deps.outbox.editOrPost(
      this.ref,
      record.ackMessageId,
      {
        progress: exportProgressText(record.lang, progress, elapsedMs),
        // The Cancel button's argument as the cancel command reads it (buttons already posted carry it too).
        actions: buttons(record.lang, ["cancel"], `export:${record.id}`),
      },
      { durable: false },
    );
    return ack === record.ackMessageId ? {} : { ackMessageId: ack };
  }

  private async finish(outcome: string, reply: Reply): Promise<string> {
    await finishExport(this.deps, this.record, reply);
    this.log.info({ outcome, render: this.record.renderId }, "export-finished");
    return outcome;
  }
}
