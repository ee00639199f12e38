import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import { errorCode } from "../../core/error-code.js";
import { type CallContext, newExportId } from "../../core/nemo/client.js";
import { isExportReady } from "../../core/nemo/timeline-summary.js";
import type { Draft } from "../../core/nemo/types.js";
import type { PendingExport } from "../../store/export-store.js";
import { errorMessage } from "../outbox.js";
import type { ExportDeps } from "./export-deps.js";

/**
 * Submits the thread's draft (and records the submission in `record`); "no-session" / "no-draft" when
 * there is nothing to export. An interrupted submission whose render arrived is not submitted again.
 */
export async function submitExport(
  deps: Pick<ExportDeps, "client" | "sessions" | "store" | "timings">,
  record: PendingExport,
  ctx: CallContext,
): Promise<"submitted" | "no-session" | "no-draft"> {
  const interrupted = record.submitting;
  let renderId = interrupted;
  if (!interrupted || !(await isPlaced(deps, ctx, interrupted))) {
    const session = await deps.sessions.find(parseRefKey(record.refKey));
    if (!session) return "no-session";
    const { draft } = await deps.client.state(ctx, session.sessionId);
    if (!draft || !isExportReady(draft)) return "no-draft";
    renderId ??= newExportId();
    if (!interrupted) await deps.store.update(record.id, { submitting: renderId });
    await startExport(deps, ctx, session.sessionId, draft, renderId);
  }
  const interval = deps.timings.exportPollMs;
  Object.assign(record, { renderId, submittedAt: Date.now(), lastProgress: 0, interval });
  await deps.store.update(
    record.id,
    { renderId, submittedAt: record.submittedAt, lastProgress: 0, interval },
    Date.now() + interval,
  );
  return "submitted";
}

/** Whether a render with this id exists at the backend (an earlier, interrupted submission arrived). */
async function isPlaced(deps: Pick<ExportDeps, "client">, ctx: CallContext, renderId: string) {
  try {
    await deps.client.exportStatus(ctx, renderId);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === "NEMO_REQUEST_FAILED" || code === "NEMO_BAD_REQUEST") return false;
    throw error;
  }
}

/** Submits; a "duplicate id" answer means an earlier submission of this id arrived after all. */
async function startExport(
  deps: Pick<ExportDeps, "client">,
  ctx: CallContext,
  sessionId: string,
  draft: Draft,
  renderId: string,
): Promise<void> {
  try {
    await deps.client.startExport(ctx, sessionId, draft, renderId);
  } catch (error) {
    if (!/duplicate/i.test(errorMessage(error))) throw error;
  }
}
