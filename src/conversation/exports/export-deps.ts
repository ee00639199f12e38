import type { Timings } from "../../config/timings.js";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import type { Logger } from "../../core/logger.js";
import type { MediaUrlPolicy } from "../../core/media-url.js";
import type { CallContext, NemoClient } from "../../core/nemo/client.js";
import type { ExportRecord } from "../../store/export-history.js";
import type { ExportStore } from "../../store/export-store.js";
import type { PrivateButtons } from "../../store/private-buttons.js";
import type { Outbox } from "../outbox.js";
import type { ProjectLinks } from "./project-links.js";

/** What the export use case works with. */
export interface ExportDeps {
  client: Pick<NemoClient, "state" | "startExport" | "exportStatus" | "cancelExport" | "downloadUrl">;
  sessions: Pick<SessionManager, "find">;
  /** The thread's call context: an export of a user's own project runs with their token. */
  calls(ref: ConversationRef, signal: AbortSignal): Promise<CallContext>;
  /** "Open in NemoVideo" of the finished video: beside it (public), or privately to the owner. */
  projectLinks: Pick<ProjectLinks, "forFinished" | "handOver">;
  outbox: Pick<Outbox, "post" | "editOrPost" | "deliverLater">;
  store: Pick<ExportStore, "create" | "claim" | "update" | "finish" | "release">;
  /** Adds a finished video to the history of the user who asked for it. */
  remember(platform: string, userId: string, entry: ExportRecord): Promise<void>;
  timings: Pick<Timings, "exportPollMs" | "exportPollMaxMs" | "exportTimeoutMs">;
  logger: Logger;
  /** Where a finished video may be fetched from; an output URL elsewhere is replaced by the download link. */
  media?: MediaUrlPolicy | undefined;
  /** Private mode: where the buttons of an export's DM copy are bound to its thread and member. */
  privateButtons?: Pick<PrivateButtons, "keep"> | undefined;
}
