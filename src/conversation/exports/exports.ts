import { parseRefKey } from "../../core/conversation/conversation-ref.js";
import { text } from "../../core/conversation/texts.js";
import type { ExportRequest, PendingExport } from "../../store/export-store.js";
import { routedOutbox } from "../private-outbox.js";
import type { ExportDeps } from "./export-deps.js";
import { pollExport } from "./poll-export.js";

/** What a poll returns while the export goes on; anything else is how it ended (completed, failed, …). */
const UNDER_WAY = new Set(["submitted", "moving", "waiting"]);

/** Whether a poll's outcome ends the export (`completed`, `failed`, `cancelled`, `timed-out`, `error`, …). */
export function isFinalExportOutcome(outcome: string): boolean {
  return !UNDER_WAY.has(outcome);
}

/**
 * Exports of threads' drafts to MP4. Asking for one hands it over (`handOver`): it is recorded as due
 * and the export poller of some worker process submits and polls it (`claim`, `poll`), so a waiting
 * export holds no worker slot and costs no job per poll.
 */
export class Exports {
  constructor(private readonly deps: ExportDeps) {}

  /** Records the export as due now; without a session there is nothing to export (the user is told). */
  async handOver(request: ExportRequest, id: string): Promise<"no-session" | "handed-to-poller"> {
    const { deps } = this;
    const ref = parseRefKey(request.refKey);
    if (!(await deps.sessions.find(ref))) {
      await routedOutbox(deps.outbox, request, deps.privateButtons).editOrPost(ref, request.ackMessageId, {
        text: text(request.lang, "export_no_draft"),
      });
      await deps.store.release({ id, refKey: request.refKey });
      return "no-session";
    }
    await deps.store.create(id, request, deps.timings.exportPollMs);
    return "handed-to-poller";
  }

  /** The hand-over failed for good: the thread may export again, and the user is told. */
  async abandon(request: ExportRequest, id: string): Promise<void> {
    await this.deps.store.release({ id, refKey: request.refKey });
    const outbox = routedOutbox(this.deps.outbox, request, this.deps.privateButtons);
    await outbox.post(parseRefKey(request.refKey), {
      text: text(request.lang, "export_failed"),
      tone: "error",
    });
  }

  /** Takes up to `limit` due exports for this process to poll, and when the next one is due. */
  claim(limit: number): Promise<{ records: PendingExport[]; nextDue: number | undefined }> {
    const { timings } = this.deps;
    return this.deps.store.claim({
      limit,
      minIntervalMs: timings.exportPollMs,
      maxIntervalMs: timings.exportPollMaxMs,
    });
  }

  /** One poll of a claimed export (see `pollExport`). */
  poll(record: PendingExport, signal: AbortSignal): Promise<string> {
    return pollExport(this.deps, record, signal);
  }
}
