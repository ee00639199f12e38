import { QUOTA_SCOPES, type QuotaScope } from "../../config/quota-limits.js";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import { isLongGeneration } from "../../core/conversation/tool-labels.js";
import type { QuotaAdmission, QuotaSubject, Quotas } from "../../store/quotas.js";
import type { Usage } from "../../store/usage.js";
import { exemptScopesOf, type Permissions } from "../policies/permissions.js";

/** What a turn's quotas use. */
export interface QuotaParts {
  quotas: Pick<Quotas, "settings" | "admit" | "count">;
  permissions: Pick<Permissions, "quotaExemption">;
  usage: Pick<Usage, "record">;
}

/** Where a failed bookkeeping step is reported (the turn's log). */
type WarnLog = { warn(fields: Record<string, unknown>, message: string): void };

const FREE = { giveBack: async () => undefined };

/**
 * The quotas and usage of one turn. Before sending, in one Redis round trip: the generations of the day
 * must not be used up (a message may generate, and a generation cannot be stopped once started), then
 * one turn point in every scope, and a running slot. While streaming: the first generate tool call
 * counts one generation (the backend's own tool names, `isLongGeneration`). Scopes the sender is exempt
 * from (`exemptScopes`) are neither checked nor counted.
 */
export class TurnQuota {
  private readonly subject: QuotaSubject;
  private exemptOnce: Promise<readonly QuotaScope[]> | undefined;
  private generationCounted = false;
  private turnCounted = false;

  constructor(
    private readonly services: QuotaParts,
    private readonly ref: ConversationRef,
    private readonly data: { userId?: string | undefined; admin?: boolean | undefined },
  ) {
    this.subject = { ref, userId: data.userId ?? "unknown" };
  }

  /** Generations not used up, a turn point in every scope and a running slot: one round trip. */
  async admit(): Promise<QuotaAdmission> {
    const exempt = await this.exemptScopes();
    if (exempt.length === QUOTA_SCOPES.length) return { ok: true, points: FREE, running: FREE };
    return this.services.quotas.admit(this.subject, {
      full: ["generations"],
      take: "turns",
      running: true,
      exempt,
    });
  }

  /** The backend called a tool: the first generation of the turn is counted. */
  toolCalled(name: string, log: WarnLog): void {
    if (this.generationCounted || !isLongGeneration(name)) return;
    this.generationCounted = true;
    void (async () => {
      await Promise.all([
        this.services.quotas.count("generations", this.subject, await this.exemptScopes()),
        this.services.usage.record(this.ref, this.subject.userId, "generations"),
      ]);
    })().catch((error: unknown) => log.warn({ err: String(error) }, "generation-count-failed"));
  }

  /** The message reached the backend: one turn of use (a turn that generated was counted as a generation). */
  async sent(log: WarnLog): Promise<void> {
    if (this.turnCounted || this.generationCounted) return;
    this.turnCounted = true;
    await this.services.usage
      .record(this.ref, this.subject.userId, "turns")
      .catch((error: unknown) => log.warn({ err: String(error) }, "usage-record-failed"));
  }

  /** The scopes whose limits do not apply to the sender (permission-table.ts: operators all, place admins their place's). */
  private exemptScopes(): Promise<readonly QuotaScope[]> {
    this.exemptOnce ??= this.services.permissions
      .quotaExemption(this.ref, { id: this.subject.userId, admin: this.data.admin })
      .then(exemptScopesOf);
    return this.exemptOnce;
  }
}
