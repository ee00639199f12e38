import type { Job } from "bullmq";
import { threadCalls } from "../conversation/thread-account.js";
import { ProgressMessage } from "../conversation/turn/progress-message.js";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import { exportProgressText } from "../core/conversation/progress-bar.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "../core/conversation/replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { text } from "../core/conversation/texts.js";
import { type CallContext, newRenderId } from "../core/nemo/client.js";
import { draftDurationMs, isExportReady } from "../core/nemo/timeline-summary.js";
import { recordExport } from "../store/export-history.js";
import type { RenderRecord, RenderStore } from "../store/export-store.js";
import type { RenderJobData } from "./payloads.js";
import type { JobServices } from "./services.js";

/**
 * The `render` job: a short hand-over. It records the export (render-store.ts) as due at once and ends;
 * the render poller of some worker process submits it and polls it (`pollRender`), so a waiting export
 * holds no worker slot and costs no job per poll.
 */
export function createRenderProcessor(services: JobServices, renders: RenderStore, wake: () => void) {
  return async (job: Job<RenderJobData>): Promise<string> => {
    const ref = parseRefKey(job.data.refKey);
    if (!(await services.sessions.find(ref))) {
      await new ProgressMessage(services.delivery, ref, job.data.ackMessageId, 0).finish({
        text: text(job.data.lang, "export_no_draft"),
      });
      await releaseExport(services, job);
      return "no-session";
    }
    const record = {
      id: job.id!,
      refKey: job.data.refKey,
      trace: job.data.trace,
      lang: job.data.lang,
      ackMessageId: job.data.ackMessageId,
      userId: job.data.userId,
    };
    await renders.create(record, services.timings.renderPollMs);
    wake();
    return "handed-to-poller";
  };
}

type Ctx = CallContext;

/**
 * One turn of the poller for one export: submits it (the render id is recorded before it leaves, so a
 * poller killed meanwhile leaves no second render behind), or reads its status and reports. The poll
 * interval shrinks to `renderPollMs` while progress moves and doubles up to `renderPollMaxMs` while it
 * stalls; a stalled poll writes nothing (its claim already moved it to its next poll time). The final
 * message goes through the outbox once (`finishRender`). A failed render is retried once with a new id.
 */
export async function pollRender(
  services: JobServices,
  renders: RenderStore,
  record: RenderRecord,
  signal: AbortSignal,
): Promise<string> {
  const ref = parseRefKey(record.refKey);
  // The thread's account: an export of a user's own project runs with their token.
  let ctx: Ctx = { platform: ref.platform, signal };
  const { lang } = record;
  const { timings } = services;
  const log = () => services.logger.child({ thread: record.refKey, job: record.id, trace: record.trace });
  const finish = async (outcome: string, reply: Reply) => {
    await finishRender(services, renders, record, reply);
    log().info({ outcome, render: record.renderId }, "render-finished");
    return outcome;
  };
  const show = async (progress: number) => {
    const ack = await services.delivery.editOrPost(
      ref,
      record.ackMessageId,
      {
        progress: exportProgressText(lang, progress, Date.now() - (record.submittedAt ?? Date.now())),
        actions: cancelButton(lang, record.id),
      },
      { durable: false },
    );
    return ack === record.ackMessageId ? {} : { ackMessageId: ack };
  };
  // Stalled: the claim already set the next poll at twice the interval; only the interval is noted.
  const stalled = async () => {
    const interval = Math.min(timings.renderPollMaxMs, Math.max(timings.renderPollMs, record.interval * 2));
    if (interval !== record.interval) await renders.update(record.id, { interval });
    return "waiting";
  };

  try {
    ctx = (await threadCalls(services, ref, { signal })).ctx;
    if (!record.renderId) {
      const submitted = await submit(services, renders, record, ctx);
      if (submitted !== "submitted") return await finish(submitted, { text: text(lang, "export_no_draft") });
      log().info({ render: record.renderId, submission: record.submission }, "render-submitted");
      const patch = await show(0);
      await renders.update(record.id, patch);
      return "submitted";
    }
    const status = await services.client.renderStatus(ctx, record.renderId);
    if (status.status === "completed" && status.outputUrl) {
      const session = await services.sessions.find(ref);
      const reply = await completedReply(services, ctx, lang, status.outputUrl, session, log());
      reply.video.fallbackUrl = services.client.downloadUrl(record.renderId);
      await rememberExport(services, record, ctx, session, reply).catch((error: unknown) =>
        log().warn({ err: String(error) }, "history-record-failed"),
      );
      return await finish("completed", reply);
    }
    if (status.status === "failed") {
      if (record.cancelled || /cancel/i.test(status.error ?? ""))
        return await finish("cancelled", { text: text(lang, "export_cancelled") });
      if (record.submission < 2) {
        log().warn({ render: record.renderId, error: status.error }, "render-failed-retrying");
        await services.delivery.editOrPost(
          ref,
          record.ackMessageId,
          { progress: text(lang, "export_failed_retrying") },
          { durable: false },
        );
        Object.assign(record, {
          renderId: undefined,
          submitting: undefined,
          submission: record.submission + 1,
        });
        await renders.update(record.id, { renderId: "", submitting: "", submission: record.submission });
        return await pollRender(services, renders, record, signal);
      }
      return await finish("failed", {
        text: text(lang, "export_failed"),
        tone: "error",
        actions: buttons(lang, ["export"]),
      });
    }
    if (timedOut(services, record)) return await timeOut();
    const progress = Math.round(status.progress);
    if (progress === record.lastProgress) return await stalled();
    const patch = await show(progress);
    const interval = Math.max(timings.renderPollMs, Math.floor(record.interval / 2));
    await renders.update(record.id, { ...patch, lastProgress: progress, interval }, Date.now() + interval);
    return "moving";
  } catch (error) {
    if (signal.aborted) throw error;
    // A blip while polling must not abandon a render that keeps running at the backend.
    const code = (error as { code?: unknown }).code;
    const transient = code === "NEMO_UNAVAILABLE" || code === "NEMO_RATE_LIMITED";
    if (record.renderId && transient && !timedOut(services, record)) {
      log().warn({ code, render: record.renderId }, "render-poll-failed-retrying");
      return await stalled();
    }
    if (record.renderId && transient) return await timeOut();
    log().warn({ ...failureFields(error), err: String(error) }, "render-error");
    return await finish("error", errorReply(error, lang));
  }

  async function timeOut(): Promise<string> {
    await services.client.cancelRender(ctx, record.renderId!).catch(() => undefined);
    return finish("timed-out", { text: text(lang, "export_timed_out"), actions: buttons(lang, ["export"]) });
  }
}

function timedOut(services: JobServices, record: RenderRecord): boolean {
  return Date.now() - (record.submittedAt ?? Date.now()) > services.timings.renderTimeoutMs;
}

/** Submits the thread's draft; "no-session" / "no-draft" when there is nothing to export. */
async function submit(
  services: JobServices,
  renders: RenderStore,
  record: RenderRecord,
  ctx: Ctx,
): Promise<"submitted" | "no-session" | "no-draft"> {
  const interrupted = record.submitting;
  let renderId = interrupted;
  if (!interrupted || !(await isPlaced(services, ctx, interrupted))) {
    const session = await services.sessions.find(parseRefKey(record.refKey));
    if (!session) return "no-session";
    const { draft } = await services.client.state(ctx, session.sessionId);
    if (!draft || !isExportReady(draft)) return "no-draft";
    renderId ??= newRenderId();
    if (!interrupted) await renders.update(record.id, { submitting: renderId });
    await submitRender(services, ctx, session.sessionId, draft, renderId);
  }
  const interval = services.timings.renderPollMs;
  Object.assign(record, { renderId, submittedAt: Date.now(), lastProgress: 0, interval });
  await renders.update(
    record.id,
    { renderId, submittedAt: record.submittedAt, lastProgress: 0, interval },
    Date.now() + interval,
  );
  return "submitted";
}

/**
 * The final message: edits the export's message (or posts) through the outbox, as a job whose id is the
 * export's, so a poller that dies between the hand-over and the record's removal, and the one that takes
 * over, deliver it once. Then the record, its due entry and the thread's export lock go in one step.
 */
async function finishRender(
  services: JobServices,
  renders: RenderStore,
  record: RenderRecord,
  reply: Reply,
): Promise<void> {
  await services.queues.deliver.add(
    "deliver",
    record.ackMessageId
      ? { refKey: record.refKey, op: "edit", messageId: record.ackMessageId, reply }
      : { refKey: record.refKey, op: "post", reply },
    {
      jobId: `render-final-${record.id}`,
      attempts: services.timings.deliverAttempts,
      backoff: { type: "exponential", delay: services.timings.deliverBackoffMs },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
  await renders.finish(record);
}

/** The finished video, with "Open in NemoVideo" (a claim link) when one can be had. */
async function completedReply(
  services: JobServices,
  ctx: CallContext,
  lang: RenderJobData["lang"],
  url: string,
  record: Awaited<ReturnType<JobServices["sessions"]["find"]>>,
  log: { warn(fields: object, message: string): void },
) {
  let links: { label: string; url: string }[] = [];
  if (record) {
    try {
      links = [{ label: text(lang, "task_link_label"), url: await services.claims.link(ctx, record) }];
    } catch (error) {
      // The video matters more than the link: it is posted without one.
      log.warn({ ...failureFields(error) }, "claim-link-failed");
    }
  }
  return {
    text: text(lang, "export_done", { url }),
    video: { url, fileName: videoFileName(url) } as NonNullable<Reply["video"]>,
    links,
    actions: buttons(lang, ANSWER_ACTIONS),
  };
}

/** Adds the finished video to the history of the user who asked for it (with the draft's length). */
async function rememberExport(
  services: JobServices,
  exported: Pick<RenderRecord, "userId" | "refKey">,
  ctx: Parameters<JobServices["client"]["state"]>[0],
  record: Awaited<ReturnType<JobServices["sessions"]["find"]>>,
  reply: Awaited<ReturnType<typeof completedReply>>,
): Promise<void> {
  if (!exported.userId) return;
  const draft = record ? (await services.client.state(ctx, record.sessionId)).draft : undefined;
  await recordExport(services.redis, services.keys, parseRefKey(exported.refKey).platform, exported.userId, {
    refKey: exported.refKey,
    at: Date.now(),
    title: reply.video.fileName,
    durationMs: draft ? draftDurationMs(draft) : undefined,
    url: reply.video.url,
    fileName: reply.video.fileName,
    projectUrl: reply.links[0]?.url,
  });
}

/** The MP4's file name as the output URL gives it (`render_<id>.mp4`), else `video.mp4`. */
function videoFileName(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  return /^[\w.-]+\.mp4$/i.test(last) ? last : "video.mp4";
}

/** Whether a render with this id exists at the backend (an earlier, interrupted submission arrived). */
async function isPlaced(services: JobServices, ctx: Ctx, renderId: string): Promise<boolean> {
  try {
    await services.client.renderStatus(ctx, renderId);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "NEMO_REQUEST_FAILED" || code === "NEMO_BAD_REQUEST") return false;
    throw error;
  }
}

/** Submits; a "duplicate id" answer means an earlier submission of this id arrived after all. */
async function submitRender(
  services: JobServices,
  ctx: Parameters<JobServices["client"]["startRender"]>[0],
  sessionId: string,
  draft: Parameters<JobServices["client"]["startRender"]>[2],
  renderId: string,
): Promise<void> {
  try {
    await services.client.startRender(ctx, sessionId, draft, renderId);
  } catch (error) {
    if (!/duplicate/i.test(String((error as { message?: unknown }).message))) throw error;
  }
}

function cancelButton(lang: RenderJobData["lang"], exportId: string) {
  return buttons(lang, ["cancel"], `render:${exportId}`);
}

export async function releaseExport(services: JobServices, job: Job<RenderJobData>): Promise<void> {
  // Only the lock this job holds: a newer export of the thread must keep its own.
  const key = services.keys.exportLock(job.data.refKey);
  await services.redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
    1,
    key,
    job.id!,
  );
}
