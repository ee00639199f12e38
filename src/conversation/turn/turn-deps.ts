import type { Timings } from "../../config/timings.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import type { Logger } from "../../core/logger.js";
import type { NemoClient } from "../../core/nemo/client.js";
import type { AccountStore } from "../../store/account-store.js";
import type { BackendBreaker } from "../../store/backend-breaker.js";
import type { BackendWaitNotice } from "../../store/backend-wait-notice.js";
import type { PartialAnswers } from "../../store/partial-answers.js";
import type { QuickReplyRecords } from "../../store/quick-reply-records.js";
import type { SentMarker } from "../../store/sent-marker.js";
import type { SettingsStore } from "../../store/settings-store.js";
import type { VariationSources } from "../../store/variation-batches.js";
import type { Outbox } from "../outbox.js";
import type { CreditsGuard } from "../policies/credits-guard.js";
import type { QuotaParts } from "./turn-quota.js";

/** Every collaborator of a turn; each stage takes the few it uses (a `Pick` of these). */
export interface TurnDeps extends QuotaParts {
  client: Pick<NemoClient, "state" | "sendMessage" | "isAnonymous" | "billingUrl">;
  sessions: Pick<SessionManager, "find" | "ensure" | "create" | "touch" | "settingsSent">;
  accounts: Pick<AccountStore, "token">;
  sent: Pick<SentMarker, "read" | "claim" | "release" | "markAnswered">;
  /** Each streaming turn's text so far, durable for a takeover. */
  partials: Pick<PartialAnswers, "save" | "read">;
  outbox: Pick<Outbox, "post" | "editOrPost" | "liveTurn">;
  /** Whether the backend is reachable, shared by every process. */
  breaker: Pick<BackendBreaker, "check" | "waitsTotal">;
  waitNotice: Pick<BackendWaitNotice, "firstTime" | "reset">;
  guard: Pick<CreditsGuard, "check">;
  timings: Pick<
    Timings,
    | "editThrottleMs"
    | "stillWorkingMs"
    | "streamHardCapMs"
    | "heartbeatTimeoutMs"
    | "refusalCheckDelayMs"
    | "recoveryDelaysMs"
    | "backendWaitFirstMs"
    | "backendWaitMaxDelayMs"
    | "backendMaxWaitMs"
  >;
  /** Variations: keeps a generated result's prompt for its 🎲 button (absent: no button). */
  variationSources?: Pick<VariationSources, "keep"> | undefined;
  /** An answer longer than this many characters is cut with a note. */
  maxAnswerChars: number;
  logger: Logger;
  /** Settings (issue 21): the sender's generation settings here (absent: none apply). */
  settings?: Pick<SettingsStore, "effective"> | undefined;
  /** Quick replies: where an answer's choices are kept for their buttons (absent: answers offer none). */
  quickReplies?: Pick<QuickReplyRecords, "keep" | "settled"> | undefined;
}
