import { refKey } from "../core/conversation/conversation-ref.js";
import type { Inbound } from "../core/conversation/inbound.js";
import { backendLanguage, langFromLocale } from "../core/conversation/language.js";
import type { Intent } from "../core/conversation/router.js";
import type { Logger } from "../core/logger.js";
import { uploadableAttachments } from "../core/nemo/upload-rules.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "../store/keys.js";
import type { ThreadOwners } from "../store/thread-owners.js";
import type { PromptRecord } from "./prompt-record.js";
import type { FollowUps, ThreadWork, WorkKind, WorkPayloads, WorkQueue } from "./work-queue.js";

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

/** What queueing once needs: one connection that fails fast, the queues, the thread owners. */
export interface QueueOnceParts {
  redis: RedisClient;
  keys: Keys;
  queue: WorkQueue;
  owners: Pick<ThreadOwners, "claim">;
  logger: Logger;
  maxUploadBytes: number;
}

/**
 * Queues each piece of an event's work once: marks it seen and joins the thread's line in one Redis
 * step, then adds the job under an id made from the event id. A replay does neither again.
 */
export class QueueOnce implements FollowUps {
  constructor(private readonly parts: QueueOnceParts) {}

  async event(inbound: Inbound, intent: Intent): Promise<void> {
    // The member who started the thread owns it (a Slack `/nemo` thread: once it is opened).
    if (!inbound.newThread) await this.parts.owners.claim(inbound.ref, inbound.user.id);
    if (inbound.newThread || (intent.kind !== "turn" && intent.kind !== "upload"))
      return this.command(inbound, intent);
    if (intent.kind === "turn") return this.turn(inbound, inbound.text);
    const { accepted, refused } = uploadableAttachments(inbound.attachments, this.parts.maxUploadBytes);
    // Refusals (and "attach a file") are answered by a worker; nothing reaches the backend for them.
    if (refused.length > 0 || accepted.length === 0) await this.command(inbound, intent);
    if (accepted.length > 0) {
      const data = { ...threadWork(inbound), attachments: accepted };
      await this.once("upload", inbound.id, data, data.refKey);
    }
    const caption = inbound.text.trim();
    if (caption && !/^(upload|上传)$/i.test(caption)) {
      await this.turn({ ...inbound, id: `${inbound.id}:caption`, attachments: [] }, caption);
    }
  }

  async turn(inbound: Inbound, message: string, extra: { confirmed?: boolean } = {}): Promise<void> {
    const data = { ...threadWork(inbound), text: message, ...extra };
    const prompt: PromptRecord = { text: message, refKey: data.refKey, userId: inbound.user.id };
    await this.once("turn", inbound.id, data, data.refKey, prompt);
  }

  /** Work answered by the bot itself (credits, status, export, cancel…), run by a worker at once. */
  async command(inbound: Inbound, intent: Intent): Promise<void> {
    await this.once("command", inbound.id, { inbound, intent });
  }

  /**
   * Marks the work seen and joins the thread's line (`lineOf`) in one step, once: a replay does
   * neither again. Then adds the job under an id made from the inbound id (adding an existing id is a
   * no-op, so a replay that finds the work seen still adds a job an earlier attempt failed to add).
   * When the add fails after a first sighting, the mark and the line entry are undone where Redis
   * allows, so the platform's retry starts afresh.
   */
  private async once<K extends WorkKind>(
    kind: K,
    inboundId: string,
    data: WorkPayloads[K],
    lineOf?: string,
    prompt?: PromptRecord,
  ): Promise<void> {
    const { redis, keys, logger, queue } = this.parts;
    const { queue: name, jobId } = queue.entryFor(kind, inboundId);
    const entry = `${name}|${jobId}`;
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
      await queue.add(kind, inboundId, data);
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

function threadWork(inbound: Inbound): ThreadWork {
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
