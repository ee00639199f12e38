import type { Queue } from "bullmq";
import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import type { Attachment, Inbound, InboundHandler } from "../core/conversation/inbound.js";
import { backendLanguage, type Lang, langFromLocale } from "../core/conversation/language.js";
import type { Reply } from "../core/conversation/reply.js";
import { routeInbound } from "../core/conversation/router.js";
import { queuedText, text } from "../core/conversation/texts.js";
import { summarizeTimeline } from "../core/nemo/timeline-summary.js";
import { assertUploadable } from "../core/nemo/upload-rules.js";
import { errorMessage } from "./delivery.js";
import type { TurnJobData, UploadJobData } from "./payloads.js";
import { jobIdFor } from "./queues.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "./replies.js";
import type { JobServices } from "./services.js";

const DAY_SECONDS = 24 * 3600;
const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 3600, count: 2000 },
  removeOnFail: { age: 7 * DAY_SECONDS },
} as const;

/**
 * Takes every inbound event in (the adapters' one entry point): deduplicates platform re-deliveries,
 * acknowledges in the thread at once, answers credits/status/new/help/cancel directly, and queues
 * turns, uploads and exports.
 */
export class ConversationGateway implements InboundHandler {
  constructor(
    private readonly services: JobServices,
    private readonly maxUploadBytes: number,
  ) {}

  async handle(inbound: Inbound): Promise<void> {
    const { redis, keys, logger } = this.services;
    const fresh = await redis.set(keys.seen(inbound.id), "1", "EX", DAY_SECONDS, "NX");
    if (fresh !== "OK") {
      logger.info({ event: inbound.id }, "inbound-duplicate-ignored");
      return;
    }
    const lang = langFromLocale(inbound.locale);
    const intent = routeInbound(inbound);
    const log = logger.child({ thread: refKey(inbound.ref), event: inbound.id, intent: intent.kind });
    log.info("inbound");
    try {
      switch (intent.kind) {
        case "credits":
          return await this.credits(inbound.ref, lang);
        case "status":
          return await this.status(inbound.ref, lang);
        case "new":
          return await this.newSession(inbound, lang);
        case "help":
          return void (await this.post(inbound.ref, {
            text: text(lang, "help"),
            actions: buttons(lang, ANSWER_ACTIONS),
          }));
        case "cancel":
          return await this.cancel(inbound.ref, lang, intent.arg);
        case "retry":
          return await this.retry(inbound, lang, intent.arg);
        case "export":
          return await this.export(inbound.ref, lang);
        case "upload":
          return await this.upload(inbound, lang);
        case "turn":
          return void (await this.turn(inbound, lang, inbound.text));
      }
    } catch (error) {
      log.warn({ ...failureFields(error), err: errorMessage(error) }, "inbound-failed");
      await this.post(inbound.ref, errorReply(error, lang));
    }
  }

  async isConversation(ref: ConversationRef): Promise<boolean> {
    return (await this.services.sessions.find(ref)) !== undefined;
  }

  private post(ref: ConversationRef, reply: Parameters<JobServices["delivery"]["post"]>[1]) {
    return this.services.delivery.post(ref, reply);
  }

  private async credits(ref: ConversationRef, lang: Lang): Promise<void> {
    const credits = await this.services.client.credits({ platform: ref.platform });
    await this.post(ref, { text: text(lang, "credits", { ...credits }) });
  }

  private async status(ref: ConversationRef, lang: Lang): Promise<void> {
    const record = await this.services.sessions.find(ref);
    if (!record) return void (await this.post(ref, { text: text(lang, "status_no_project") }));
    const state = await this.services.client.state({ platform: ref.platform }, record.sessionId);
    await this.post(ref, {
      text: `${text(lang, "status_header")}\n${summarizeTimeline(state.draft, lang)}`,
      actions: buttons(lang, ANSWER_ACTIONS),
    });
  }

  private async newSession(inbound: Inbound, lang: Lang): Promise<void> {
    await this.services.sessions.create(inbound.ref, backendLanguage(inbound.locale));
    await this.post(inbound.ref, { text: text(lang, "new_session") });
  }

  /** Queues a message for the backend, in line behind the thread's earlier work. */
  async turn(inbound: Inbound, lang: Lang, message: string): Promise<void> {
    const { queues, redis, keys } = this.services;
    await redis.set(
      keys.inbound(inbound.id),
      JSON.stringify({ text: message, locale: inbound.locale }),
      "EX",
      7 * DAY_SECONDS,
    );
    await this.queueInLine(
      queues.turn,
      inbound,
      (ahead) => ({
        progress: queuedText(lang, ahead),
        ...(ahead > 0 ? { actions: buttons(lang, ["cancel"], inbound.id) } : {}),
      }),
      (ackMessageId) => ({
        inboundId: inbound.id,
        refKey: refKey(inbound.ref),
        lang,
        language: backendLanguage(inbound.locale),
        text: message,
        ackMessageId,
      }),
    );
  }

  /**
   * Joins the thread's line, acknowledges with the place in it, then adds the job. The entry leaves
   * the line again if the job cannot be added, so the thread is never blocked by work that is not there.
   */
  private async queueInLine<T extends TurnJobData | UploadJobData>(
    queue: Queue<T>,
    inbound: Inbound,
    ack: (ahead: number) => Reply,
    data: (ackMessageId: string | undefined) => T,
  ): Promise<void> {
    const key = refKey(inbound.ref);
    const entry = { queue: queue.name, jobId: jobIdFor(queue.name, inbound.id) };
    const ahead = await this.services.line.join(key, entry);
    try {
      const ackMessageId = await this.post(inbound.ref, ack(ahead));
      // BullMQ's generic add() signature cannot be narrowed from T here.
      await (queue as Queue).add(queue.name, data(ackMessageId), { ...JOB_OPTIONS, jobId: entry.jobId });
    } catch (error) {
      await this.services.line.leave(key, entry).catch(() => undefined);
      throw error;
    }
  }

  private async upload(inbound: Inbound, lang: Lang): Promise<void> {
    if (inbound.attachments.length === 0) {
      return void (await this.post(inbound.ref, { text: text(lang, "upload_needs_file") }));
    }
    // Type and declared size first: no backend round trip for a file it would refuse.
    const accepted: Attachment[] = [];
    for (const attachment of inbound.attachments) {
      try {
        assertUploadable(attachment, this.maxUploadBytes);
        accepted.push(attachment);
      } catch (error) {
        this.services.logger.info({ file: attachment.name, ...failureFields(error) }, "upload-refused");
        await this.post(inbound.ref, errorReply(error, lang));
      }
    }
    if (accepted.length > 0) {
      await this.queueInLine(
        this.services.queues.upload,
        inbound,
        (ahead) => ({ progress: queuedText(lang, ahead) }),
        (ackMessageId) => ({
          inboundId: inbound.id,
          refKey: refKey(inbound.ref),
          lang,
          language: backendLanguage(inbound.locale),
          attachments: accepted,
          ackMessageId,
        }),
      );
    }
    const caption = inbound.text.trim();
    if (caption && !/^(upload|上传)$/i.test(caption))
      await this.turn({ ...inbound, id: `${inbound.id}:caption` }, lang, caption);
  }

  private async export(ref: ConversationRef, lang: Lang): Promise<void> {
    const { redis, keys, queues, sessions } = this.services;
    if (!(await sessions.find(ref)))
      return void (await this.post(ref, { text: text(lang, "export_no_draft") }));
    const key = refKey(ref);
    const jobId = jobIdFor("render", `${key}:${Date.now()}:${Math.random()}`);
    // One export per thread at a time: a second request joins the running one.
    const taken = await redis.set(keys.exportLock(key), jobId, "EX", DAY_SECONDS, "NX");
    if (taken !== "OK") return void (await this.post(ref, { text: text(lang, "export_joined") }));
    try {
      const ack = await this.post(ref, { progress: text(lang, "export_starting") });
      await queues.render.add(
        "render",
        { refKey: key, lang, ackMessageId: ack, submission: 1 },
        {
          jobId,
          attempts: 3,
          backoff: { type: "exponential", delay: 5_000 },
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 7 * DAY_SECONDS },
        },
      );
    } catch (error) {
      await redis.del(keys.exportLock(key));
      throw error;
    }
  }

  private async cancel(ref: ConversationRef, lang: Lang, arg: string | undefined): Promise<void> {
    const { queues, line, redis, keys, client } = this.services;
    const key = refKey(ref);
    if (arg?.startsWith("render:") || (!arg && (await redis.exists(keys.exportLock(key))))) {
      const renderJobId = arg?.slice("render:".length) ?? (await redis.get(keys.exportLock(key)));
      const job = renderJobId ? await queues.render.getJob(renderJobId) : undefined;
      if (job?.data.renderId) {
        await redis.set(keys.renderCancelled(job.id!), "1", "EX", DAY_SECONDS);
        await client.cancelRender({ platform: ref.platform }, job.data.renderId);
        // Poll now: the render job reports the cancellation in its own progress message.
        if ((await job.getState()) === "delayed") await job.promote().catch(() => undefined);
        return;
      }
    }
    // The given message, else the newest one still waiting in this thread's line.
    const entries = await line.entries(key);
    const target = arg
      ? entries.find((entry) => entry.jobId === jobIdFor("turn", arg))
      : [...entries]
          .reverse()
          .find((entry, index, all) => index < all.length - 1 && entry.queue === queues.turn.name);
    if (!target) return void (await this.post(ref, { text: text(lang, "cancel_nothing") }));
    if (!(await line.withdraw(key, target)))
      return void (await this.post(ref, { text: text(lang, "cancel_running") }));
    const job = await queues.turn.getJob(target.jobId);
    await job?.remove().catch(() => undefined);
    const reply = { text: text(lang, "cancel_done") };
    if (job?.data.ackMessageId && (await this.services.delivery.edit(ref, job.data.ackMessageId, reply)))
      return;
    await this.post(ref, reply);
  }

  private async retry(inbound: Inbound, lang: Lang, arg: string | undefined): Promise<void> {
    const { redis, keys } = this.services;
    const raw = arg ? await redis.get(keys.inbound(arg)) : null;
    if (!arg || !raw) return void (await this.post(inbound.ref, { text: text(lang, "unknown_action") }));
    // Each Retry button sends its message once, however often (or by how many people) it is clicked.
    if ((await redis.set(keys.retried(arg), inbound.id, "EX", 7 * DAY_SECONDS, "NX")) !== "OK") {
      return void (await this.post(inbound.ref, { text: text(lang, "retry_used") }));
    }
    const original = JSON.parse(raw) as { text: string };
    await this.turn({ ...inbound, id: `${arg}:retry` }, lang, original.text);
  }
}
