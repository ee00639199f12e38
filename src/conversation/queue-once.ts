import { refKey } from "../core/conversation/conversation-ref.js";
import type { Inbound } from "../core/conversation/inbound.js";
import { backendLanguage, langFromLocale } from "../core/conversation/language.js";
import type { Intent } from "../core/conversation/router.js";
import type { Logger } from "../core/logger.js";
import { uploadableAttachments } from "../core/nemo/upload-rules.js";
import type { PromptRecord } from "../store/prompt-records.js";
import type { ReplyAddresses } from "../store/reply-addresses.js";
import type { SeenWork } from "../store/seen-work.js";
import type { ThreadOwners } from "../store/thread-owners.js";
import type { FollowUps, ThreadWork, WorkKind, WorkPayloads, WorkQueue } from "./work-queue.js";

/** What queueing once needs: the seen marks (on a connection that fails fast), the queues, the owners. */
export interface QueueOnceParts {
  seen: Pick<SeenWork, "first" | "forget">;
  queue: WorkQueue;
  owners: Pick<ThreadOwners, "claim">;
  /** Where commands' private reply addresses are kept, sealed (never in job data). */
  replies: Pick<ReplyAddresses, "keep">;
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
    // The member who started the thread owns it (a Slack `/nemo` thread: once it is opened). Claimed
    // beside the queueing (no round trip before it): nothing of the queueing depends on it.
    const claimed = inbound.newThread ? undefined : this.parts.owners.claim(inbound.ref, inbound.user.id);
    await Promise.all([claimed, this.queue(inbound, intent)]);
  }

  private async queue(inbound: Inbound, intent: Intent): Promise<void> {
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

  /**
   * Work answered by the bot itself (credits, status, export, cancel…), run by a worker at once. Its
   * private reply address (a credential) is kept sealed under the event's id, not in the job's data.
   */
  async command(inbound: Inbound, intent: Intent): Promise<void> {
    const { privateReplyTo, ...rest } = inbound;
    if (!privateReplyTo) return this.once("command", inbound.id, { inbound, intent });
    await this.parts.replies.keep(inbound.id, privateReplyTo);
    await this.once("command", inbound.id, { inbound: rest, intent, replyKept: true });
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
    const { seen, logger, queue } = this.parts;
    const entry = queue.entryFor(kind, inboundId);
    const work = { inboundId, entry, lineOf, prompt };
    const ahead = await seen.first(work);
    const first = ahead !== undefined;
    if (!first) logger.info({ trace: inboundId, job: entry.jobId }, "inbound-duplicate-ignored");
    try {
      // At the head of its line when it joined: it stays there until it leaves (see `joinedAtHead`).
      await queue.add(
        kind,
        inboundId,
        lineOf !== undefined && ahead === 0 ? { ...data, joinedAtHead: true } : data,
      );
    } catch (error) {
      if (first) await seen.forget(work);
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
