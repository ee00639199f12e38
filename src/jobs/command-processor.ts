import { type Job, UnrecoverableError } from "bullmq";
import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import type { Inbound } from "../core/conversation/inbound.js";
import { backendLanguage, type Lang, langFromLocale } from "../core/conversation/language.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Reply } from "../core/conversation/reply.js";
import { text } from "../core/conversation/texts.js";
import { summarizeTimeline } from "../core/nemo/timeline-summary.js";
import { uploadableAttachments } from "../core/nemo/upload-rules.js";
import { errorMessage } from "./delivery.js";
import type { Intake, PromptRecord } from "./intake.js";
import type { CommandJobData } from "./payloads.js";
import { JOB_RETENTION, jobIdFor } from "./queues.js";
import { RenderStore } from "./render-store.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "./replies.js";
import type { JobServices } from "./services.js";
import { UserLocales } from "./user-locales.js";

const DAY_SECONDS = 24 * 3600;

type CommandServices = Pick<
  JobServices,
  "redis" | "keys" | "client" | "sessions" | "line" | "queues" | "delivery" | "logger"
>;

/**
 * The `command` worker: answers what the bot handles itself (credits, status, help, new project,
 * cancel, retry, export, refused uploads) and opens the thread of a conversation started by a command
 * in a channel. Runs at once, outside the thread's line.
 */
export function createCommandProcessor(
  services: CommandServices,
  intake: Intake,
  messengers: Messengers,
  maxUploadBytes: number,
) {
  const locales = new UserLocales(messengers);
  const commands = new Commands(services, intake, maxUploadBytes);
  return async (job: Job<CommandJobData>): Promise<string> => {
    let { inbound } = job.data;
    if (!inbound.locale) inbound = await locales.complete(inbound);
    if (inbound.newThread) {
      const opened = await openThread(services, messengers, inbound).catch(async (error: unknown) => {
        // A refusal by the platform (not in the channel, archived…) will not change on a retry.
        const refused = (error as { permanent?: unknown }).permanent === true;
        if (!refused && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        await tellPrivately(messengers, inbound, error, services);
        throw new UnrecoverableError(errorMessage(error));
      });
      // The conversation now has its thread: take the event in again, as if it had been sent there.
      await intake.handle({ ...inbound, ref: opened, newThread: false });
      return "thread-opened";
    }
    await commands.run(inbound, job.data.intent);
    return job.data.intent.kind;
  };
}

/**
 * Posts the opener once per event: its thread is remembered under the event id, so a retried job
 * continues in the thread it already opened.
 */
async function openThread(
  services: CommandServices,
  messengers: Messengers,
  inbound: Inbound,
): Promise<ConversationRef> {
  const { redis, keys } = services;
  const remembered = await redis.get(keys.openedThread(inbound.id));
  if (remembered) return { ...inbound.ref, thread: remembered };
  const messenger = messengers[inbound.ref.platform];
  if (!messenger?.startThread) throw new Error(`${inbound.ref.platform} cannot open threads`);
  const opened = await messenger.startThread(inbound.ref, { userId: inbound.user.id, text: inbound.text });
  await redis.set(keys.openedThread(inbound.id), opened.thread, "EX", DAY_SECONDS);
  return opened;
}

/** The thread could not be opened (e.g. the bot is not in the channel): the sender is told privately. */
async function tellPrivately(
  messengers: Messengers,
  inbound: Inbound,
  error: unknown,
  services: CommandServices,
): Promise<void> {
  services.logger.warn({ trace: inbound.id, err: errorMessage(error) }, "thread-open-failed");
  const messenger = messengers[inbound.ref.platform];
  if (!inbound.privateReplyTo || !messenger?.postPrivately) return;
  const lang = langFromLocale(inbound.locale);
  await messenger
    .postPrivately(inbound.privateReplyTo, { text: text(lang, "thread_open_failed"), tone: "error" })
    .catch((failure: unknown) =>
      services.logger.info({ err: errorMessage(failure) }, "private-reply-failed"),
    );
}

class Commands {
  constructor(
    private readonly services: CommandServices,
    private readonly intake: Intake,
    private readonly maxUploadBytes: number,
  ) {}

  async run(inbound: Inbound, intent: CommandJobData["intent"]): Promise<void> {
    const lang = langFromLocale(inbound.locale);
    const ref = inbound.ref;
    try {
      switch (intent.kind) {
        case "credits":
          return await this.credits(ref, lang);
        case "status":
          return await this.status(ref, lang);
        case "new":
          return await this.newSession(inbound, lang);
        case "help":
          return void (await this.post(ref, {
            text: text(lang, "help"),
            actions: buttons(lang, ANSWER_ACTIONS),
          }));
        case "cancel":
          return await this.cancel(ref, lang, intent.arg);
        case "retry":
          return await this.retry(inbound, lang, intent.arg);
        case "export":
          return await this.export(ref, lang, inbound.id);
        case "upload":
          return await this.uploadRefusals(inbound, lang);
        case "turn":
          return await this.intake.turn(inbound, inbound.text);
      }
    } catch (error) {
      this.services.logger.warn(
        { thread: refKey(ref), trace: inbound.id, ...failureFields(error), err: errorMessage(error) },
        "command-failed",
      );
      await this.post(ref, errorReply(error, lang));
    }
  }

  private post(ref: ConversationRef, reply: Reply) {
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

  /** Files refused before any byte is sent (type, declared size), or an upload with no file at all. */
  private async uploadRefusals(inbound: Inbound, lang: Lang): Promise<void> {
    if (inbound.attachments.length === 0) {
      return void (await this.post(inbound.ref, { text: text(lang, "upload_needs_file") }));
    }
    const { refused } = uploadableAttachments(inbound.attachments, this.maxUploadBytes);
    for (const { file, error } of refused) {
      this.services.logger.info(
        { file: file.name, code: (error as { code?: unknown }).code },
        "upload-refused",
      );
      await this.post(inbound.ref, errorReply(error, lang));
    }
  }

  private async export(ref: ConversationRef, lang: Lang, trace: string): Promise<void> {
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
        { refKey: key, trace, lang, ackMessageId: ack, submission: 1 },
        {
          jobId,
          attempts: 3,
          backoff: { type: "exponential", delay: 5_000 },
          ...JOB_RETENTION,
        },
      );
    } catch (error) {
      await redis.del(keys.exportLock(key));
      throw error;
    }
  }

  private async cancel(ref: ConversationRef, lang: Lang, arg: string | undefined): Promise<void> {
    const { redis, keys, client } = this.services;
    const key = refKey(ref);
    if (arg?.startsWith("render:") || (!arg && (await redis.exists(keys.exportLock(key))))) {
      const renderJobId = arg?.slice("render:".length) ?? (await redis.get(keys.exportLock(key)));
      const renders = new RenderStore(redis, keys);
      const waiting = renderJobId ? await renders.get(renderJobId) : undefined;
      // Only this thread's export: a typed or replayed id of another thread's export reaches nothing.
      if (waiting && waiting.refKey !== key) return this.refuseElsewhere(ref, lang, "cancel", renderJobId);
      if (waiting?.renderId) {
        await renders.update(waiting.id, { cancelled: true });
        await client.cancelRender({ platform: ref.platform }, waiting.renderId);
        // Poll now: the poller reports the cancellation in the export's own progress message.
        await renders.dueNow(waiting.id);
        return;
      }
    }
    return arg ? this.cancelOne(ref, lang, arg) : this.cancelWaiting(ref, lang);
  }

  /** Cancels one waiting message of this thread (a Cancel button on its queued note). */
  private async cancelOne(ref: ConversationRef, lang: Lang, inboundId: string): Promise<void> {
    const { line, queues } = this.services;
    const key = refKey(ref);
    const target = (await line.entries(key)).find((entry) => entry.jobId === jobIdFor("turn", inboundId));
    if (!target) return void (await this.post(ref, { text: text(lang, "cancel_nothing") }));
    if (!(await line.withdraw(key, target))) return this.tellRunning(ref, lang, target.jobId);
    const job = await queues.turn.getJob(target.jobId);
    await job?.remove().catch(() => undefined);
    const reply = { text: text(lang, "cancel_done") };
    if (job?.data.ackMessageId && (await this.services.delivery.edit(ref, job.data.ackMessageId, reply)))
      return;
    await this.post(ref, reply);
  }

  /**
   * "cancel" without an argument: every message still waiting in the thread is withdrawn; the one
   * running is said to be running (the backend cannot stop it), with how long it has run.
   */
  private async cancelWaiting(ref: ConversationRef, lang: Lang): Promise<void> {
    const { line, queues, delivery } = this.services;
    const key = refKey(ref);
    const [head, ...waiting] = await line.entries(key);
    let cancelled = 0;
    for (const entry of waiting.filter((candidate) => candidate.queue === queues.turn.name)) {
      if (!(await line.withdraw(key, entry))) continue;
      cancelled += 1;
      const job = await queues.turn.getJob(entry.jobId);
      await job?.remove().catch(() => undefined);
      if (job?.data.ackMessageId)
        await delivery.edit(ref, job.data.ackMessageId, { text: text(lang, "cancel_done") });
    }
    if (cancelled > 1) await this.post(ref, { text: text(lang, "cancel_done_many", { count: cancelled }) });
    else if (cancelled === 1 && !head) await this.post(ref, { text: text(lang, "cancel_done") });
    if (head) return this.tellRunning(ref, lang, head.jobId);
    if (cancelled === 0) await this.post(ref, { text: text(lang, "cancel_nothing") });
  }

  private async tellRunning(ref: ConversationRef, lang: Lang, jobId: string): Promise<void> {
    const job =
      (await this.services.queues.turn.getJob(jobId)) ?? (await this.services.queues.upload.getJob(jobId));
    const since = job?.processedOn ?? job?.timestamp;
    if (!since) return void (await this.post(ref, { text: text(lang, "cancel_running") }));
    const minutes = Math.max(1, Math.round((Date.now() - since) / 60_000));
    await this.post(ref, { text: text(lang, "cancel_running_info", { minutes }) });
  }

  private async retry(inbound: Inbound, lang: Lang, arg: string | undefined): Promise<void> {
    const { redis, keys } = this.services;
    // Kept while a Retry may be offered (deleted once the message is answered without one).
    const raw = arg ? await redis.get(keys.inbound(arg)) : null;
    const original = raw ? (JSON.parse(raw) as PromptRecord) : undefined;
    if (!arg || !original) return void (await this.post(inbound.ref, { text: text(lang, "unknown_action") }));
    // Bound to its thread: a Retry (button replay or typed id) from elsewhere reaches nothing.
    if (original.refKey !== refKey(inbound.ref)) return this.refuseElsewhere(inbound.ref, lang, "retry", arg);
    // Each Retry button sends its message once, however often (or by how many people) it is clicked.
    if ((await redis.set(keys.retried(arg), inbound.id, "EX", 7 * DAY_SECONDS, "NX")) !== "OK") {
      return void (await this.post(inbound.ref, { text: text(lang, "retry_used") }));
    }
    await this.intake.turn({ ...inbound, id: `${arg}:retry` }, original.text);
  }

  private async refuseElsewhere(
    ref: ConversationRef,
    lang: Lang,
    action: "retry" | "cancel",
    target: string | null | undefined,
  ): Promise<void> {
    this.services.logger.warn({ thread: refKey(ref), action, target }, "command-refused-other-thread");
    await this.post(ref, { text: text(lang, "action_elsewhere") });
  }
}
