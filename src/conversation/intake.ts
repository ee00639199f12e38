import type { JobsOptions, Queue } from "bullmq";
import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import type { Inbound, InboundHandler } from "../core/conversation/inbound.js";
import { backendLanguage, langFromLocale } from "../core/conversation/language.js";
import { type Intent, routeInbound } from "../core/conversation/router.js";
import type { SessionManager } from "../core/conversation/session-manager.js";
import type { Logger } from "../core/logger.js";
import { uploadableAttachments } from "../core/nemo/upload-rules.js";
import type { CommandJobData, TurnJobData, UploadJobData } from "../jobs/payloads.js";
import { jobIdFor } from "../jobs/queues.js";
import type { RedisClient } from "../redis/connect.js";
import type { AccountStore } from "../store/account-store.js";
import { KEY_TTL_SECONDS, type Keys } from "../store/keys.js";
import { claimOwner } from "./policies/permissions.js";

const DAY_SECONDS = 24 * 3600;

// Finished thread work and commands are kept a day (count-capped), so that a platform's replay of the
// same event finds its job and adds nothing.
/** Retention of thread work: completed jobs are kept a day, so a replay of the same event is a no-op. */
export const LINE_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
  removeOnFail: { age: 7 * DAY_SECONDS },
} as const;

const COMMAND_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
  removeOnFail: { age: 7 * DAY_SECONDS },
} as const;

// Atomically: the first time this work is seen, it joins the end of its thread's line (when it has
// one) and a message's prompt is kept for Retry → 1; a replay (or a platform's retry after a failed
// enqueue) → 0, and nothing else changes.
const SEEN_ONCE = `
if redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then
  if KEYS[2] then redis.call('RPUSH', KEYS[2], ARGV[2]) end
  if KEYS[3] then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4]) end
  return 1
end
return 0`;

/** What the intake needs: RedisClient (one connection that fails fast), the queues it adds to, the sessions. */
export interface IntakeParts {
  redis: RedisClient;
  keys: Keys;
  queues: { turn: Queue<TurnJobData>; upload: Queue<UploadJobData>; command: Queue<CommandJobData> };
  sessions: SessionManager;
  logger: Logger;
  maxUploadBytes: number;
  /** Seals a token sent with `/login` before it is queued (no key: the token is dropped here). */
  accounts?: Pick<AccountStore, "sealFor"> | undefined;
}

/**
 * The inbound path, every adapter's one entry point. It does Redis work only — route (no I/O), then
 * deduplicate and queue each piece of work in one idempotent step — so a platform is acknowledged only
 * for what is durably queued, and a replay of the same event (Slack retry, Discord RESUME) queues
 * nothing twice. Everything the user sees (the queued note, answers to commands, a Slack `/nemo`
 * parent message) is posted afterwards by workers. Throws when the work could not be queued: the
 * adapter then answers the platform with an error, so the platform sends the event again.
 */
export class Intake implements InboundHandler {
  constructor(private readonly parts: IntakeParts) {}

  async handle(inbound: Inbound): Promise<void> {
    const intent = routeInbound(inbound);
    this.parts.logger.info(
      { thread: refKey(inbound.ref), trace: inbound.id, intent: intent.kind },
      "inbound",
    );
    const secret = withoutSecrets(inbound, intent, this.parts.accounts);
    if (secret) return this.command(secret.inbound, secret.intent);
    // The member who started the thread owns it (a Slack `/nemo` thread: once it is opened).
    if (!inbound.newThread) await claimOwner(this.parts.redis, this.parts.keys, inbound.ref, inbound.user.id);
    if (inbound.newThread || !isLineWork(intent)) return this.command(inbound, intent);
    if (intent.kind === "turn") return this.turn(inbound, inbound.text);
    const { accepted, refused } = uploadableAttachments(inbound.attachments, this.parts.maxUploadBytes);
    // Refusals (and "attach a file") are answered by a worker; nothing reaches the backend for them.
    if (refused.length > 0 || accepted.length === 0) await this.command(inbound, intent);
    if (accepted.length > 0) {
      await this.joinLine(this.parts.queues.upload, inbound, {
        ...threadJob(inbound),
        attachments: accepted,
      });
    }
    const caption = inbound.text.trim();
    if (caption && !/^(upload|上传)$/i.test(caption)) {
      await this.turn({ ...inbound, id: `${inbound.id}:caption`, attachments: [] }, caption);
    }
  }

  async isConversation(ref: ConversationRef): Promise<boolean> {
    return (await this.parts.sessions.find(ref)) !== undefined;
  }

  /** Queues a message for the backend, in line behind the thread's earlier work; its prompt is kept for Retry. */
  async turn(inbound: Inbound, message: string, extra: Pick<TurnJobData, "confirmed"> = {}): Promise<void> {
    const data: TurnJobData = { ...threadJob(inbound), text: message, ...extra };
    const prompt: PromptRecord = { text: message, refKey: data.refKey, userId: inbound.user.id };
    await this.queueOnce(this.parts.queues.turn, inbound.id, data, LINE_JOB_OPTIONS, data.refKey, prompt);
  }

  /** Work answered by the bot itself (credits, status, export, cancel…), run by a worker at once. */
  private async command(inbound: Inbound, intent: Intent): Promise<void> {
    await this.queueOnce(this.parts.queues.command, inbound.id, { inbound, intent }, COMMAND_JOB_OPTIONS);
  }

  private async joinLine(queue: Queue<UploadJobData>, inbound: Inbound, data: UploadJobData): Promise<void> {
    await this.queueOnce(queue, inbound.id, data, LINE_JOB_OPTIONS, data.refKey);
  }

  /**
   * Marks the work seen and joins the thread's line (`lineOf`) in one step, once: a replay does
   * neither again. Then adds the job under an id made from the inbound id (adding an existing id is a
   * no-op, so a replay that finds the work seen still adds a job an earlier attempt failed to add).
   * When the add fails after a first sighting, the mark and the line entry are undone where Redis
   * allows, so the platform's retry starts afresh.
   */
  private async queueOnce<T extends object>(
    queue: Queue<T>,
    inboundId: string,
    data: T,
    options: JobsOptions,
    lineOf?: string,
    prompt?: PromptRecord,
  ): Promise<void> {
    const { redis, keys, logger } = this.parts;
    const jobId = jobIdFor(queue.name, inboundId);
    const entry = `${queue.name}|${jobId}`;
    const seen = keys.seen(jobId);
    const line = lineOf === undefined ? [] : [keys.line(lineOf)];
    const kept = prompt && line.length > 0 ? [keys.inbound(inboundId)] : [];
    const first =
      (await redis.eval(
        SEEN_ONCE,
        1 + line.length + kept.length,
        seen,
        ...line,
        ...kept,
        String(KEY_TTL_SECONDS.seen),
        entry,
        JSON.stringify(prompt ?? null),
        String(KEY_TTL_SECONDS.inbound),
      )) === 1;
    if (!first) logger.info({ trace: inboundId, job: jobId }, "inbound-duplicate-ignored");
    try {
      // BullMQ's generic add() signature cannot be narrowed from T here.
      await (queue as Queue).add(queue.name, data, { ...options, jobId });
    } catch (error) {
      if (first) {
        const undo = redis.multi().del(seen);
        if (line[0]) undo.lrem(line[0], 1, entry);
        await undo.exec().catch(() => undefined);
      }
      throw error;
    }
  }
}

/** What Retry needs of a message: its text, and the thread it belongs to. */
export interface PromptRecord {
  text: string;
  refKey: string;
  /** Who sent it (they, the thread's owner and admins may Retry it). */
  userId?: string | undefined;
}

/**
 * A message that looks like a token, and a `/login`, never reach a queue with their secret: the
 * pasted text is dropped (its command only warns), and a login's token is sealed with `SECRETS_KEY`
 * for its command (`login:<inbound id>`), or dropped when there is no key.
 */
function withoutSecrets(
  inbound: Inbound,
  intent: Intent,
  accounts: IntakeParts["accounts"],
): { inbound: Inbound; intent: Intent } | undefined {
  if (intent.kind !== "token_pasted" && intent.kind !== "login") return undefined;
  const bare: Inbound = { ...inbound, text: "", attachments: [], newThread: false, action: undefined };
  if (intent.kind === "token_pasted") return { inbound: bare, intent };
  const sealed = intent.arg ? accounts?.sealFor(`login:${inbound.id}`, intent.arg) : undefined;
  return { inbound: bare, intent: sealed ? { kind: "login", arg: sealed } : { kind: "login" } };
}

function isLineWork(intent: Intent): boolean {
  return intent.kind === "turn" || intent.kind === "upload";
}

function threadJob(inbound: Inbound) {
  return {
    inboundId: inbound.id,
    refKey: refKey(inbound.ref),
    userId: inbound.user.id,
    ...(inbound.user.admin === undefined ? {} : { admin: inbound.user.admin }),
    locale: inbound.locale,
    lang: langFromLocale(inbound.locale),
    language: backendLanguage(inbound.locale),
  };
}
