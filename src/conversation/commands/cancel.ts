import { refKey } from "../../core/conversation/conversation-ref.js";
import type { NemoClient } from "../../core/nemo/client.js";
import type { ExportLocks } from "../../store/export-locks.js";
import type { ExportStore } from "../../store/export-store.js";
import { releaseStaleExportLock, type StaleExportLockParts } from "../exports/stale-export-lock.js";
import type { Permissions } from "../policies/permissions.js";
import { threadCalls } from "../thread-account.js";
import type { WorkQueue } from "../work-queue.js";
import type { CommandAsk, CommandHandler } from "./answers.js";
import { type CancelWaitingParts, cancelOne, cancelWaiting } from "./cancel-waiting.js";
import type { ThreadCallParts } from "./command-parts.js";

export interface CancelParts
  extends ThreadCallParts,
    CancelWaitingParts,
    Pick<StaleExportLockParts, "logger"> {
  locks: Pick<ExportLocks, "holder" | "age" | "releaseIfHeld">;
  queue: Pick<WorkQueue, "entryFor" | "pending">;
  exportStore: Pick<ExportStore, "get" | "update" | "dueNow">;
  client: Pick<NemoClient, "cancelExport">;
  permissions: Pick<Permissions, "may">;
}

/**
 * Cancel: the thread's export (by its button, or typed while one runs), one waiting message (its
 * Cancel button), or everything still waiting in the thread.
 */
export function cancelCommand(parts: CancelParts): CommandHandler {
  return async (ask) => {
    const arg = ask.intent.kind === "cancel" ? ask.intent.arg : undefined;
    if (await cancelExport(parts, ask, arg)) return;
    return arg ? cancelOne(parts, ask, arg) : cancelWaiting(parts, ask);
  };
}

/** True when the cancel was about the thread's export (and is answered). */
async function cancelExport(parts: CancelParts, ask: CommandAsk, arg: string | undefined): Promise<boolean> {
  const { locks, exportStore, client } = parts;
  const { inbound, answer } = ask;
  const key = refKey(inbound.ref);
  // The export's own Cancel button (`export:<job id>`), or a bare "cancel" while the thread exports.
  const exportJobId = arg ? exportOfButton(arg) : await locks.holder(key);
  if (exportJobId === undefined) return false;
  const waiting = await exportStore.get(exportJobId);
  // Only this thread's export: a typed or replayed id of another thread's export reaches nothing.
  if (waiting && waiting.refKey !== key) {
    await answer.refuseElsewhere("cancel", exportJobId);
    return true;
  }
  // Stopping an export is for whoever asked for it, the thread's owner and admins.
  const author = waiting?.userId;
  const others = waiting !== undefined && author !== inbound.user.id;
  if (others && !(await parts.permissions.may("cancel-export", inbound.ref, inbound.user, author))) {
    await answer.refuseNotOwner("cancel-export");
    return true;
  }
  // No record: an export whose process died before handing it over holds the lock; Cancel frees it.
  if (!waiting) return cancelStaleLock(parts, ask, exportJobId);
  await exportStore.update(waiting.id, { cancelled: true });
  // Not submitted yet: the poller ends it as cancelled instead of submitting it.
  if (waiting.renderId)
    await client.cancelExport((await threadCalls(parts, inbound.ref)).ctx, waiting.renderId);
  // Poll now: the poller reports the cancellation in the export's own progress message.
  await exportStore.dueNow(waiting.id);
  return true;
}

/** The thread's lock held by `exportJobId`, an export that is gone: freed, and the sender told. */
async function cancelStaleLock(parts: CancelParts, ask: CommandAsk, exportJobId: string): Promise<boolean> {
  const key = refKey(ask.inbound.ref);
  if ((await parts.locks.holder(key)) !== exportJobId) return false;
  if ((await releaseStaleExportLock(parts, key)) === undefined) return false;
  await ask.answer.say("export_cancelled");
  return true;
}

/**
 * The job id a Cancel button of an export names (`export:<job id>`, or `render:<job id>` on buttons posted
 * before the rename); undefined for any other argument.
 */
function exportOfButton(arg: string): string | undefined {
  const prefix = ["export:", "render:"].find((candidate) => arg.startsWith(candidate));
  return prefix ? arg.slice(prefix.length) : undefined;
}
