import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import { isLongGeneration } from "../../core/conversation/tool-labels.js";
import type { QuotaSubject, Quotas, QuotaTake } from "../../store/quotas.js";
import type { Usage } from "../../store/usage.js";
import { type Permissions, quotaSubject } from "../policies/permissions.js";

/** What a turn's quotas use. */
export interface QuotaParts {
  quotas: Pick<Quotas, "settings" | "full" | "take" | "takeRunning" | "count">;
  permissions: Pick<Permissions, "quotaExemption">;
  usage: Pick<Usage, "record">;
}

/** Where a failed bookkeeping step is reported (the turn's log). */
type WarnLog = { warn(fields: Record<string, unknown>, message: string): void };

const FREE: QuotaTake = { ok: true, giveBack: async () => undefined };

/**
 * The quotas and usage of one turn. Before sending: the generations of the day must not be used up (a
 * message may generate, and a generation cannot be stopped once started), then one turn point in every
 * scope, and a running slot. While streaming: the first generate tool call counts one generation (the
 * backend's own tool names, `isLongGeneration`). Operators skip every quota; place admins their place's
 * own when `QUOTA_ADMINS_EXEMPT` (permission-table.ts).
 */
export class TurnQuota {
  private readonly subject: QuotaSubject;
  private counted: Promise<QuotaSubject | undefined> | undefined;
  private generationCounted = false;
  private turnCounted = false;

  constructor(
    private readonly services: QuotaParts,
    private readonly ref: ConversationRef,
    private readonly data: { userId?: string | undefined; admin?: boolean | undefined },
  ) {
    this.subject = { ref, userId: data.userId ?? "unknown" };
  }

  /** Turn points in every scope, unless the day's generations are used up. */
  async take(): Promise<QuotaTake> {
    const subject = await this.countedAs();
    if (!subject) return FREE;
    const full = await this.services.quotas.full("generations", subject);
    if (full) return { ok: false, refusal: full };
    return this.services.quotas.take("turns", subject);
  }

  async takeRunning(): Promise<QuotaTake> {
    const subject = await this.countedAs();
    if (!subject) return FREE;
    return this.services.quotas.takeRunning(subject);
  }

  /** The backend called a tool: the first generation of the turn is counted. */
  toolCalled(name: string, log: WarnLog): void {
    if (this.generationCounted || !isLongGeneration(name)) return;
    this.generationCounted = true;
    void (async () => {
      const subject = await this.countedAs();
      if (subject) await this.services.quotas.count("generations", subject);
      await this.services.usage.record(this.ref, this.subject.userId, "generations");
    })().catch((error: unknown) => log.warn({ err: String(error) }, "generation-count-failed"));
  }

  /** The message reached the backend: one turn of use. */
  async sent(log: WarnLog): Promise<void> {
    if (this.turnCounted) return;
    this.turnCounted = true;
    await this.services.usage
      .record(this.ref, this.subject.userId, "turns")
      .catch((error: unknown) => log.warn({ err: String(error) }, "usage-record-failed"));
  }

  /** Who the quotas count (without the scopes the sender is exempt from); undefined: exempt from all. */
  private countedAs(): Promise<QuotaSubject | undefined> {
    this.counted ??= this.services.permissions
      .quotaExemption(this.ref, { id: this.subject.userId, admin: this.data.admin })
      .then((exemption) => quotaSubject(exemption, this.subject));
    return this.counted;
  }
}
