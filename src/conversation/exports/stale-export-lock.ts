import type { Logger } from "../../core/logger.js";
import type { ExportLocks } from "../../store/export-locks.js";
import type { ExportStore } from "../../store/export-store.js";
import type { WorkQueue } from "../work-queue.js";

/**
 * A lock younger than this may belong to an export between taking its lock and being queued (its
 * progress message is posted in between): never taken for stale.
 */
export const EXPORT_LOCK_GRACE_MS = 2 * 60_000;

export interface StaleExportLockParts {
  locks: Pick<ExportLocks, "holder" | "age" | "releaseIfHeld">;
  exportStore: Pick<ExportStore, "get">;
  queue: Pick<WorkQueue, "pending">;
  logger: Logger;
}

/**
 * Frees the thread's export lock when its holder is gone: no waiting export record and no export job
 * waiting or running (a process killed between taking the lock and queueing the export, or an export
 * whose end never released it). Such a lock would otherwise block the thread's exports for a day.
 * Resolves to the job id of the lock it freed; undefined when the lock is free, young or held by a live export.
 */
export async function releaseStaleExportLock(
  parts: StaleExportLockParts,
  refKey: string,
): Promise<string | undefined> {
  const { locks } = parts;
  const holder = await locks.holder(refKey);
  if (holder === undefined) return undefined;
  const age = (await locks.age(refKey)) ?? 0;
  if (age < EXPORT_LOCK_GRACE_MS) return undefined;
  if (await parts.exportStore.get(holder)) return undefined;
  if (await parts.queue.pending("export", holder)) return undefined;
  if (!(await locks.releaseIfHeld(refKey, holder))) return undefined;
  parts.logger.warn({ thread: refKey, job: holder, ageMs: age }, "export-lock-stale-released");
  return holder;
}
