import { type Job, UnrecoverableError } from "bullmq";
import { accountReply } from "../conversation/commands/account-commands.js";
import { reportUsage } from "../conversation/commands/usage-report.js";
import type { Intake, PromptRecord } from "../conversation/intake.js";
import { errorMessage } from "../conversation/outbox.js";
import { quotaRefusalText } from "../conversation/policies/quota-replies.js";
import { tellSender } from "../conversation/sender-note.js";
import { threadCalls } from "../conversation/thread-account.js";
import { UserLocales } from "../conversation/user-locales.js";
import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { failureFields } from "../core/conversation/failure-code.js";
import type { Inbound } from "../core/conversation/inbound.js";
import { backendLanguage, type Lang, langFromLocale } from "../core/conversation/language.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { ANSWER_ACTIONS, buttons, errorReply } from "../core/conversation/replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { type TextKey, text } from "../core/conversation/texts.js";
import { bindLink } from "../core/nemo/task-link.js";
import { summarizeTimeline } from "../core/nemo/timeline-summary.js";
import { uploadableAttachments } from "../core/nemo/upload-rules.js";
import { historyReply, listExports } from "../store/export-history.js";
import { RenderStore } from "../store/export-store.js";
import type { QuotaTake } from "../store/quotas.js";
import { WorkRecords } from "../store/work-records.js";
import type { CommandJobData } from "./payloads.js";
import { JOB_RETENTION, jobIdFor } from "./queues.js";
import type { JobServices } from "./services.js";

const DAY_SECONDS = 24 * 3600;

type CommandServices = Pick<
  JobServices,
  | "redis"
  | "keys"
  | "client"
  | "sessions"
  | "line"
  | "queues"
  | "delivery"
  | "logger"
  | "sent"
  | "permissions"
  | "quotas"
  | "usage"
  | "accounts"
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
  const commands = new Commands(services, intake, maxUploadBytes, messengers);
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
    private readonly messengers: Messengers = {},
  ) {}

  async run(inbound: Inbound, intent: CommandJobData["intent"]): Promise<void> {
    const lang = langFromLocale(inbound.locale);
    const ref = inbound.ref;
    try {
      switch (intent.kind) {
        case "credits":
          return await this.credits(inbound, lang);
        case "status":
          return await this.status(inbound, lang);
        case "login":
        case "logout":
        case "account":
        case "token_pasted":
          return await this.accountCommand(inbound, lang, intent);
        case "continue":
        case "drop":
          return await this.guardAnswer(inbound, lang, intent.kind, intent.arg);
        case "new":
          return await this.newSession(inbound, lang);
        case "help":
          return void (await this.post(ref, {
            text: text(lang, "help"),
            actions: buttons(lang, ANSWER_ACTIONS),
          }));
        case "cancel":
          return await this.cancel(inbound, lang, intent.arg);
        case "retry":
          return await this.retry(inbound, lang, intent.arg);
        case "export":
          return await this.export(inbound, lang);
        case "history":
          return void (await this.post(
            ref,
            historyReply(
              lang,
              await listExports(this.services.redis, this.services.keys, ref.platform, inbound.user.id),
            ),
          ));
        case "usage":
          return await reportUsage(this.services, inbound, lang, (reply) => this.tell(inbound, reply));
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

  /** The balance of the account the thread uses (or the asker's own before the thread has a session). */
  private async credits(inbound: Inbound, lang: Lang): Promise<void> {
    const { ref } = inbound;
    const calls = await threadCalls(this.services, ref, { userId: inbound.user.id });
    const credits = await this.services.client.credits(calls.ctx);
    await this.post(ref, { text: text(lang, "credits", { ...credits }) });
    if (!calls.account && inbound.user.admin === true) await this.tellAdminBindLink(inbound, lang);
  }

  /**
   * The bot's anonymous account can be claimed by registering with its bind link: that is the
   * operator's to do, so the link goes to an admin who asks for credits, privately, and nowhere else.
   */
  private async tellAdminBindLink(inbound: Inbound, lang: Lang): Promise<void> {
    const { client, logger } = this.services;
    if (!client.isAnonymous) return;
    const userId = await client.tokens.anonymousUserId();
    if (!userId) return;
    const url = bindLink(client.webUrl, userId);
    const told = await this.privately(inbound, {
      text: text(lang, "admin_bind_note"),
      links: [{ label: text(lang, "link_register"), url }],
    });
    logger.info({ trace: inbound.id, told }, "admin-bind-link");
  }

  /** Posts where only the sender sees it; false when the platform gave no private way to answer. */
  private async privately(inbound: Inbound, reply: Reply): Promise<boolean> {
    const messenger = this.messengers[inbound.ref.platform];
    if (!inbound.privateReplyTo || !messenger?.postPrivately) return false;
    await messenger.postPrivately(inbound.privateReplyTo, reply);
    return true;
  }

  /** Login, logout, "which account", and the warning about a pasted token: private where possible. */
  private async accountCommand(
    inbound: Inbound,
    lang: Lang,
    intent: CommandJobData["intent"],
  ): Promise<void> {
    const reply = await accountReply(this.services, inbound, lang, intent);
    if (!(await this.privately(inbound, reply))) await this.post(inbound.ref, reply);
  }

  /** Continue / Cancel on a message the credits guard held: each answers once. */
  private async guardAnswer(
    inbound: Inbound,
    lang: Lang,
    kind: "continue" | "drop",
    arg: string | undefined,
  ) {
    const { redis, keys } = this.services;
    const raw = arg ? await redis.get(keys.inbound(arg)) : null;
    const original = raw ? (JSON.parse(raw) as PromptRecord) : undefined;
    if (!arg || !original) return void (await this.post(inbound.ref, { text: text(lang, "unknown_action") }));
    if (original.refKey !== refKey(inbound.ref)) {
      this.services.logger.warn(
        { thread: refKey(inbound.ref), action: kind, target: arg },
        "command-refused-other-thread",
      );
      return void (await this.post(inbound.ref, { text: text(lang, "action_elsewhere") }));
    }
    if ((await redis.set(keys.retried(arg), inbound.id, "EX", 7 * DAY_SECONDS, "NX")) !== "OK") {
      return void (await this.post(inbound.ref, { text: text(lang, "retry_used") }));
    }
    if (kind === "drop") {
      await redis.del(keys.inbound(arg));
      return void (await this.post(inbound.ref, { text: text(lang, "credits_guard_dropped") }));
    }
    await this.intake.turn({ ...inbound, id: `${arg}:continue` }, original.text, { confirmed: true });
  }

  private async status(inbound: Inbound, lang: Lang): Promise<void> {
    const { ref } = inbound;
    const record = await this.services.sessions.find(ref);
    if (!record) return void (await this.post(ref, { text: text(lang, "status_no_project") }));
    const { ctx } = await threadCalls(this.services, ref);
    const state = await this.services.client.state(ctx, record.sessionId);
    await this.post(ref, {
      text: `${text(lang, "status_header")}\n${summarizeTimeline(state.draft, lang)}`,
      actions: buttons(lang, ANSWER_ACTIONS),
    });
  }

  private async newSession(inbound: Inbound, lang: Lang): Promise<void> {
    if (!(await this.services.permissions.mayManage(inbound.ref, inbound.user)))
      return this.refuseNotOwner(inbound, lang, "new");
    // A new project keeps the thread's account (or takes the asker's, in a thread without one yet).
    const { account } = await threadCalls(this.services, inbound.ref, { userId: inbound.user.id });
    await this.services.sessions.create(inbound.ref, backendLanguage(inbound.locale), undefined, account);
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

  private async export(inbound: Inbound, lang: Lang): Promise<void> {
    const { redis, keys, queues, sessions } = this.services;
    const { ref, id: trace } = inbound;
    if (!(await sessions.find(ref)))
      return void (await this.post(ref, { text: text(lang, "export_no_draft") }));
    const key = refKey(ref);
    const jobId = jobIdFor("render", `${key}:${Date.now()}:${Math.random()}`);
    // One export per thread at a time: a second request joins the running one.
    const taken = await redis.set(keys.exportLock(key), jobId, "EX", DAY_SECONDS, "NX");
    if (taken !== "OK") return void (await this.post(ref, { text: text(lang, "export_joined") }));
    const quota = await this.takeQuota(inbound, "exports");
    if (!quota.ok) {
      await redis.del(keys.exportLock(key));
      return this.tell(inbound, { text: quotaRefusalText(lang, quota.refusal), tone: "error" });
    }
    try {
      const ack = await this.post(ref, { progress: text(lang, "export_starting") });
      await queues.render.add(
        "render",
        { refKey: key, trace, lang, ackMessageId: ack, submission: 1, userId: inbound.user.id },
        {
          jobId,
          attempts: 3,
          backoff: { type: "exponential", delay: 5_000 },
          ...JOB_RETENTION,
        },
      );
    } catch (error) {
      await redis.del(keys.exportLock(key));
      await quota.giveBack();
      throw error;
    }
    await this.services.usage.record(ref, inbound.user.id, "exports");
  }

  /** Takes a quota point for the sender, unless admins are exempt and the sender is one. */
  private async takeQuota(inbound: Inbound, kind: "exports"): Promise<QuotaTake> {
    const { quotas, permissions } = this.services;
    if (quotas.settings.adminsExempt && (await permissions.isAdmin(inbound.ref, inbound.user)))
      return { ok: true, giveBack: async () => undefined };
    return quotas.take(kind, { ref: inbound.ref, userId: inbound.user.id });
  }

  private async cancel(inbound: Inbound, lang: Lang, arg: string | undefined): Promise<void> {
    const { redis, keys, client } = this.services;
    const ref = inbound.ref;
    const key = refKey(ref);
    if (arg?.startsWith("render:") || (!arg && (await redis.exists(keys.exportLock(key))))) {
      const renderJobId = arg?.slice("render:".length) ?? (await redis.get(keys.exportLock(key)));
      const renders = new RenderStore(redis, keys);
      const waiting = renderJobId ? await renders.get(renderJobId) : undefined;
      // Only this thread's export: a typed or replayed id of another thread's export reaches nothing.
      if (waiting && waiting.refKey !== key)
        return this.refuseElsewhere(inbound, lang, "cancel", renderJobId);
      // Stopping an export is for whoever asked for it, the thread's owner and admins.
      if (waiting && waiting.userId !== inbound.user.id && !(await this.mayManage(inbound)))
        return this.refuseNotOwner(inbound, lang, "cancel-export");
      if (waiting?.renderId) {
        await renders.update(waiting.id, { cancelled: true });
        await client.cancelRender((await threadCalls(this.services, ref)).ctx, waiting.renderId);
        // Poll now: the poller reports the cancellation in the export's own progress message.
        await renders.dueNow(waiting.id);
        return;
      }
    }
    return arg ? this.cancelOne(inbound, lang, arg) : this.cancelWaiting(inbound, lang);
  }

  private mayManage(inbound: Inbound): Promise<boolean> {
    return this.services.permissions.mayManage(inbound.ref, inbound.user);
  }

  /** Cancels one waiting message of this thread (a Cancel button on its queued note). */
  private async cancelOne(inbound: Inbound, lang: Lang, inboundId: string): Promise<void> {
    const { line, queues } = this.services;
    const ref = inbound.ref;
    const key = refKey(ref);
    const jobId = jobIdFor("turn", inboundId);
    const target = (await line.entries(key)).find((entry) => entry.jobId === jobId);
    if (!target) {
      // Bound to its thread: a typed or replayed id of another thread's message reaches nothing.
      const elsewhere = await queues.turn.getJob(jobId);
      if (elsewhere && elsewhere.data.refKey !== key)
        return this.refuseElsewhere(inbound, lang, "cancel", inboundId);
      return void (await this.post(ref, { text: text(lang, "cancel_nothing") }));
    }
    const job = await queues.turn.getJob(target.jobId);
    // Someone else's message: only the thread's owner and admins may cancel it.
    if (job && job.data.userId !== inbound.user.id && !(await this.mayManage(inbound)))
      return this.refuseNotOwner(inbound, lang, "cancel");
    if (!(await line.withdraw(key, target))) return this.tellRunning(ref, lang, target.jobId);
    await job?.remove().catch(() => undefined);
    const reply = { text: text(lang, "cancel_done") };
    const ack = await this.ackOf(target.jobId);
    if (ack && (await this.services.delivery.edit(ref, ack, reply))) return;
    await this.post(ref, reply);
  }

  /**
   * "cancel" without an argument: every message still waiting in the thread is withdrawn; the one
   * running is said to be running (the backend cannot stop it), with how long it has run.
   */
  private async cancelWaiting(inbound: Inbound, lang: Lang): Promise<void> {
    const { line, queues, delivery } = this.services;
    const ref = inbound.ref;
    const key = refKey(ref);
    const [head, ...waiting] = await line.entries(key);
    // Members other than the owner and admins cancel only their own messages.
    const everyone = await this.mayManage(inbound);
    let cancelled = 0;
    for (const entry of waiting.filter((candidate) => candidate.queue === queues.turn.name)) {
      const job = await queues.turn.getJob(entry.jobId);
      if (!everyone && job && job.data.userId !== inbound.user.id) continue;
      if (!(await line.withdraw(key, entry))) continue;
      cancelled += 1;
      await job?.remove().catch(() => undefined);
      const ack = await this.ackOf(entry.jobId);
      if (ack) await delivery.edit(ref, ack, { text: text(lang, "cancel_done") });
    }
    if (cancelled > 1) await this.post(ref, { text: text(lang, "cancel_done_many", { count: cancelled }) });
    else if (cancelled === 1 && !head) await this.post(ref, { text: text(lang, "cancel_done") });
    if (head) return this.tellRunning(ref, lang, head.jobId);
    if (cancelled === 0) await this.post(ref, { text: text(lang, "cancel_nothing") });
  }

  /** The note a waiting message's worker posted when it first took it (see `WorkRecord`). */
  private async ackOf(jobId: string): Promise<string | undefined> {
    return (await new WorkRecords(this.services.redis, this.services.keys).read(jobId)).ackMessageId;
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
    const { redis, keys, line, sent } = this.services;
    if (!arg) return void (await this.post(inbound.ref, { text: text(lang, "unknown_action") }));
    // Kept while a Retry may be offered (deleted once the message is answered without one).
    const raw = await redis.get(keys.inbound(arg));
    const original = raw ? (JSON.parse(raw) as PromptRecord) : undefined;
    if (!original) return this.refuse(inbound, lang, "retry_not_available", "retry-refused-answered", arg);
    const key = refKey(inbound.ref);
    // Bound to its thread: a Retry (button replay or typed id) from elsewhere reaches nothing.
    if (original.refKey !== key) return this.refuseElsewhere(inbound, lang, "retry", arg);
    // Still waiting or running: its own answer will come; sending it again would send it twice.
    const pending = (await line.entries(key)).some((entry) => entry.jobId === jobIdFor("turn", arg));
    if (pending) return this.refuse(inbound, lang, "retry_pending", "retry-refused-pending", arg);
    // Claimed for sending and not yet answered: it may have reached the backend.
    const marker = await sent.read(arg);
    if (marker && !marker.answered)
      return this.refuse(inbound, lang, "retry_not_available", "retry-refused-may-be-sent", arg);
    // Retry is for the message's sender, the thread's owner and admins.
    if (
      original.userId !== undefined &&
      original.userId !== inbound.user.id &&
      !(await this.mayManage(inbound))
    )
      return this.refuseNotOwner(inbound, lang, "retry");
    // Each Retry button sends its message once, however often (or by how many people) it is clicked.
    if ((await redis.set(keys.retried(arg), inbound.id, "EX", 7 * DAY_SECONDS, "NX")) !== "OK") {
      return void (await this.post(inbound.ref, { text: text(lang, "retry_used") }));
    }
    await this.intake.turn({ ...inbound, id: `${arg}:retry` }, original.text);
  }

  private async refuseElsewhere(
    inbound: Inbound,
    lang: Lang,
    action: "retry" | "cancel",
    target: string | null | undefined,
  ): Promise<void> {
    return this.refuse(inbound, lang, "action_elsewhere", "command-refused-other-thread", target, action);
  }

  private async refuseNotOwner(inbound: Inbound, lang: Lang, action: string): Promise<void> {
    return this.refuse(inbound, lang, "owner_only", "command-refused-not-owner", undefined, action);
  }

  /** A short refusal for the sender only (where the platform allows), and a log line. */
  private async refuse(
    inbound: Inbound,
    lang: Lang,
    key: TextKey,
    event: string,
    target?: string | null | undefined,
    action?: string,
  ): Promise<void> {
    this.services.logger.warn(
      { thread: refKey(inbound.ref), trace: inbound.id, user: inbound.user.id, action, target },
      event,
    );
    await this.tell(inbound, { text: text(lang, key) });
  }

  private tell(inbound: Inbound, reply: Reply): Promise<void> {
    return tellSender(
      { messengers: this.messengers, delivery: this.services.delivery, logger: this.services.logger },
      inbound,
      reply,
    );
  }
}
