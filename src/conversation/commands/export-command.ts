import { refKey } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { text } from "../../core/conversation/texts.js";
import type { ExportLocks } from "../../store/export-locks.js";
import type { Quotas, QuotaTake } from "../../store/quotas.js";
import type { Usage } from "../../store/usage.js";
import { releaseStaleExportLock, type StaleExportLockParts } from "../exports/stale-export-lock.js";
import { exemptScopesOf, type Permissions } from "../policies/permissions.js";
import { quotaRefusalText } from "../policies/quota-replies.js";
import type { PrivateMode } from "../private-mode.js";
import type { WorkQueue } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";

export interface ExportParts extends StaleExportLockParts {
  locks: Pick<ExportLocks, "take" | "release" | "holder" | "age" | "releaseIfHeld">;
  sessions: Pick<SessionManager, "find">;
  queue: WorkQueue;
  quotas: Pick<Quotas, "settings" | "take">;
  permissions: Pick<Permissions, "quotaExemption">;
  usage: Pick<Usage, "record">;
  /** Private mode: the export's messages go to the asker's DM (see `private-mode.ts`). */
  privacy?: Pick<PrivateMode, "decide" | "outboxFor"> | undefined;
}

/** Starts an export of the thread's draft: one per thread at a time, within the sender's quota. */
export function exportCommand(parts: ExportParts): CommandHandler {
  return async ({ inbound, lang, answer, settings }) => {
    const { locks, queue } = parts;
    const { ref, id: trace } = inbound;
    if (!(await parts.sessions.find(ref))) return answer.say("export_no_draft");
    const key = refKey(ref);
    // From the event: a retry of this command (its process killed after taking the lock) is the same export.
    const request = `${key}:${inbound.id}`;
    const { jobId } = queue.entryFor("export", request);
    // One export per thread at a time: a second request joins the running one, unless its lock is stale.
    if (!(await takeLock(parts, key, jobId))) return answer.say(await joined(parts, key, inbound.user.id));
    const quota = await takeQuota(parts, inbound);
    if (!quota.ok) {
      await locks.release(key);
      return answer.tell({ text: quotaRefusalText(lang, quota.refusal), tone: "error" });
    }
    try {
      const userId = inbound.user.id;
      const route = await parts.privacy?.decide({ refKey: key, userId, lang }, settings);
      if (route?.kind === "unreachable") {
        await locks.release(key);
        return await quota.giveBack();
      }
      const privateTo = route?.kind === "private" ? refKey(route.to) : undefined;
      const starting = { progress: text(lang, "export_starting") };
      const ack = privateTo
        ? await parts.privacy!.outboxFor(key, privateTo, userId).post(ref, starting)
        : await answer.post(starting);
      await queue.add("export", request, {
        refKey: key,
        trace,
        lang,
        ackMessageId: ack,
        userId,
        privateTo,
      });
    } catch (error) {
      await locks.release(key);
      await quota.giveBack();
      throw error;
    }
    await parts.usage.record(ref, inbound.user.id, "exports");
  };
}

/** Joining the running export: its result comes here, unless it goes privately to another member. */
async function joined(parts: ExportParts, key: string, userId: string) {
  const holder = await parts.locks.holder(key);
  const running = holder ? await parts.exportStore.get(holder) : undefined;
  const elsewhere = running?.privateTo !== undefined && running.userId !== userId;
  return elsewhere ? "private_export_joined" : "export_joined";
}

/** The thread's lock for this export: free, already this export's, or freed from a holder that is gone. */
async function takeLock(parts: ExportParts, key: string, jobId: string): Promise<boolean> {
  const { locks } = parts;
  if (await locks.take(key, jobId)) return true;
  if ((await locks.holder(key)) === jobId) return true;
  return (await releaseStaleExportLock(parts, key)) !== undefined && (await locks.take(key, jobId));
}

/** Takes a quota point for the sender, in the scopes they are not exempt from (permission-table.ts). */
async function takeQuota(parts: ExportParts, inbound: Inbound): Promise<QuotaTake> {
  const { quotas, permissions } = parts;
  const exemption = await permissions.quotaExemption(inbound.ref, inbound.user);
  if (exemption === "all") return { ok: true, giveBack: async () => undefined };
  return quotas.take("exports", { ref: inbound.ref, userId: inbound.user.id }, exemptScopesOf(exemption));
}
