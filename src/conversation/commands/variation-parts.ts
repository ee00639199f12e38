import type { Timings } from "../../config/timings.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import type { Logger } from "../../core/logger.js";
import type { NemoClient } from "../../core/nemo/client.js";
import type { AccountStore } from "../../store/account-store.js";
import type { Quotas } from "../../store/quotas.js";
import type { SentMarker } from "../../store/sent-marker.js";
import type { SettingsStore } from "../../store/settings-store.js";
import type { Usage } from "../../store/usage.js";
import type { VariationBatches, VariationSources } from "../../store/variation-batches.js";
import type { Outbox } from "../outbox.js";
import type { Permissions } from "../policies/permissions.js";
import type { FollowUps } from "../work-queue.js";

/** What the variations commands use (each takes these few, not the whole services). */
export interface VariationParts {
  variationSources: Pick<VariationSources, "read">;
  variationBatches: VariationBatches;
  settings: Pick<SettingsStore, "place" | "effective">;
  sessions: Pick<SessionManager, "find" | "adopt">;
  accounts: Pick<AccountStore, "token">;
  client: Pick<NemoClient, "createSession" | "sendMessage" | "state" | "credits">;
  quotas: Pick<Quotas, "admit">;
  usage: Pick<Usage, "record">;
  permissions: Pick<Permissions, "may" | "quotaExemption">;
  sent: Pick<SentMarker, "claim" | "read" | "markAnswered">;
  outbox: Pick<Outbox, "post" | "editOrPost">;
  followUps: Pick<FollowUps, "event">;
  /** Estimated credits of one generated clip (`CREDITS_GENERATION_COST`): the batch's estimate is N × it. */
  generationCost: number;
  timings: Pick<Timings, "streamHardCapMs" | "heartbeatTimeoutMs">;
  logger: Logger;
}

/** `<batch id>:<k>` → its parts; undefined when malformed. */
export function variationArg(arg: string | undefined): { id: string; n: number } | undefined {
  const match = arg ? /^(v[0-9a-f]{12}):([1-9])$/.exec(arg) : null;
  return match ? { id: match[1]!, n: Number(match[2]) } : undefined;
}
