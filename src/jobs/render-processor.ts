import { DelayedError, type Job } from "bullmq";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import { exportProgressText } from "../core/conversation/progress-bar.js";
import type { Reply } from "../core/conversation/reply.js";
import { text } from "../core/conversation/texts.js";
import { type CallContext, newRenderId } from "../core/nemo/client.js";
import { draftDurationMs, isExportReady } from "../core/nemo/timeline-summary.js";
import { threadCalls } from "./accounts/thread-account.js";
import { recordExport } from "./history.js";
import type { RenderJobData } from "./payloads.js";
import { ProgressMessage } from "./progress-message.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "./replies.js";
import type { JobServices } from "./services.js";

/**
 * The `render` worker. Submits the draft with a unique id, then polls by re-scheduling itself as a
 * delayed job, so a waiting render holds no worker slot. A failed render is retried once with a new id.
 */
export function createRenderProcessor(services: JobServices) {
  return async (job: Job<RenderJobData>, token?: string, signal?: AbortSignal): Promise<string> => {
    const ref = parseRefKey(job.data.refKey);
    const progress = new ProgressMessage(services.delivery, ref, job.data.ackMessageId, 0);
    let ctx: CallContext = { platform: ref.platform, signal };
    const lang = job.data.lang;
    const log = services.logger.child({ thread: job.data.refKey, job: job.id, trace: job.data.trace });
    const finish = async (outcome: string, reply: Parameters<ProgressMessage["finish"]>[0]) => {
      await progress.finish(reply);
      await releaseExport(services, job);
      log.info({ outcome, render: job.data.renderId }, "render-finished");
      return outcome;
    };
    const pollLater = async (patch: Partial<RenderJobData>) => {
      await job.updateData({ ...job.data, ...patch, ackMessageId: progress.id });
      await job.moveToDelayed(Date.now() + services.timings.renderPollMs, token);
      throw new DelayedError();
    };

    try {
      // The thread's account: an export of a user's own project runs with their token.
      ctx = (await threadCalls(services, ref, { signal })).ctx;
      const record = await services.sessions.find(ref);
      if (!job.data.renderId) {
        if (!record) return await finish("no-session", { text: text(lang, "export_no_draft") });
        const { draft } = await services.client.state(ctx, record.sessionId);
        if (!draft || !isExportReady(draft))
          return await finish("no-draft", { text: text(lang, "export_no_draft") });
        // The id is recorded before it is sent, so a worker killed meanwhile leaves no second render behind.
        const interrupted = job.data.submitting;
        const renderId = interrupted ?? newRenderId();
        if (!interrupted)
          await job.updateData({ ...job.data, submitting: renderId, ackMessageId: progress.id });
        if (!interrupted || !(await isPlaced(services, ctx, renderId))) {
          await submitRender(services, ctx, record.sessionId, draft, renderId);
        }
        log.info({ render: renderId, submission: job.data.submission }, "render-submitted");
        await progress.finish({
          progress: exportProgressText(lang, 0, 0),
          actions: cancelButton(lang, job),
        });
        return await pollLater({ renderId, submittedAt: Date.now(), lastProgress: 0 });
      }

      const status = await services.client.renderStatus(ctx, job.data.renderId);
      if (status.status === "completed" && status.outputUrl) {
        const reply = await completedReply(services, ctx, lang, status.outputUrl, record, log);
        reply.video.fallbackUrl = services.client.downloadUrl(job.data.renderId);
        await rememberExport(services, job, ctx, record, reply).catch((error: unknown) =>
          log.warn({ err: String(error) }, "history-record-failed"),
        );
        return await finish("completed", reply);
      }
      if (status.status === "failed") {
        const cancelled =
          (await services.redis.exists(services.keys.renderCancelled(job.id!))) > 0 ||
          /cancel/i.test(status.error ?? "");
        if (cancelled) return await finish("cancelled", { text: text(lang, "export_cancelled") });
        if (job.data.submission < 2) {
          log.warn({ render: job.data.renderId, error: status.error }, "render-failed-retrying");
          await progress.finish({ progress: text(lang, "export_failed_retrying") });
          await job.updateData({
            ...job.data,
            renderId: undefined,
            submitting: undefined,
            submission: job.data.submission + 1,
            ackMessageId: progress.id,
          });
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        return await finish("failed", {
          text: text(lang, "export_failed"),
          tone: "error",
          actions: buttons(lang, ["export"]),
        });
      }
      if (Date.now() - (job.data.submittedAt ?? Date.now()) > services.timings.renderTimeoutMs) {
        await services.client.cancelRender(ctx, job.data.renderId).catch(() => undefined);
        return await finish("timed-out", {
          text: text(lang, "export_timed_out"),
          actions: buttons(lang, ["export"]),
        });
      }
      if (status.progress !== job.data.lastProgress) {
        await progress.finish({
          progress: exportProgressText(
            lang,
            status.progress,
            Date.now() - (job.data.submittedAt ?? Date.now()),
          ),
          actions: cancelButton(lang, job),
        });
      }
      return await pollLater({ lastProgress: status.progress });
    } catch (error) {
      if (error instanceof DelayedError || signal?.aborted) throw error;
      // A blip while polling must not abandon a render that keeps running at the backend.
      const code = (error as { code?: unknown }).code;
      const transient = code === "NEMO_UNAVAILABLE" || code === "NEMO_RATE_LIMITED";
      const waited = Date.now() - (job.data.submittedAt ?? Date.now());
      if (job.data.renderId && transient && waited <= services.timings.renderTimeoutMs) {
        log.warn({ code, render: job.data.renderId }, "render-poll-failed-retrying");
        return await pollLater({});
      }
      log.warn({ ...failureFields(error), err: String(error) }, "render-error");
      return finish("error", errorReply(error, lang));
    }
  };
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
  job: Job<RenderJobData>,
  ctx: Parameters<JobServices["client"]["state"]>[0],
  record: Awaited<ReturnType<JobServices["sessions"]["find"]>>,
  reply: Awaited<ReturnType<typeof completedReply>>,
): Promise<void> {
  if (!job.data.userId) return;
  const draft = record ? (await services.client.state(ctx, record.sessionId)).draft : undefined;
  await recordExport(services.redis, services.keys, parseRefKey(job.data.refKey).platform, job.data.userId, {
    refKey: job.data.refKey,
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
async function isPlaced(
  services: JobServices,
  ctx: Parameters<JobServices["client"]["renderStatus"]>[0],
  renderId: string,
): Promise<boolean> {
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

function cancelButton(lang: RenderJobData["lang"], job: Job<RenderJobData>) {
  return buttons(lang, ["cancel"], `render:${job.id}`);
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
