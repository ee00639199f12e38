import type { Timings } from "../config/timings.js";
import type { ProjectLinks } from "../conversation/exports/project-links.js";
import type { Outbox } from "../conversation/outbox.js";
import type { CreditsGuard } from "../conversation/policies/credits-guard.js";
import type { Permissions } from "../conversation/policies/permissions.js";
import type { SessionManager } from "../core/conversation/session-manager.js";
import type { Logger } from "../core/logger.js";
import type { MediaUrlPolicy } from "../core/media-url.js";
import type { NemoClient } from "../core/nemo/client.js";
import type { RedisClient } from "../redis/connect.js";
import type { AccountStore } from "../store/account-store.js";
import type { BackendBreaker } from "../store/backend-breaker.js";
import type { Keys } from "../store/keys.js";
import type { PartialAnswers } from "../store/partial-answers.js";
import type { Quotas } from "../store/quotas.js";
import type { ReplyAddresses } from "../store/reply-addresses.js";
import type { SentMarker } from "../store/sent-marker.js";
import type { SettingsStore } from "../store/settings-store.js";
import type { ThreadLine } from "../store/thread-line.js";
import type { Usage } from "../store/usage.js";
import type { Queues } from "./queues.js";

/** What the intake and the job processors share within one process. */
export interface JobServices {
  redis: RedisClient;
  keys: Keys;
  client: NemoClient;
  sessions: SessionManager;
  line: ThreadLine;
  sent: SentMarker;
  queues: Queues;
  outbox: Outbox;
  timings: Timings;
  logger: Logger;
  /** Whether the backend is reachable, shared by every process (health reports read `isOpen()`). */
  breaker: BackendBreaker;
  /** Each streaming turn's text so far, durable for a takeover. */
  partials: PartialAnswers;
  /** An answer longer than this many characters is cut with a note. */
  maxAnswerChars: number;
  /** Users' linked NemoVideo accounts (off without `SECRETS_KEY`). */
  accounts: AccountStore;
  /** Commands' private reply addresses, sealed, by event id (never in job data). */
  replies: ReplyAddresses;
  /** "Open in NemoVideo" of finished exports: fresh claim links, private to the owner unless `CLAIM_LINKS=public`. */
  projectLinks: ProjectLinks;
  /** Balance checks before likely generations. */
  guard: CreditsGuard;
  /** Thread owners and admins (who may start anew, cancel others' work, retry). */
  permissions: Permissions;
  /** Per user/channel/place/global limits on turns, generations, exports, queued and running work. */
  quotas: Quotas;
  /** Use per member and per place, for `/usage`. */
  usage: Usage;
  /** Where finished videos may be fetched from (`NEMO_MEDIA_HOSTS` and the backend's sites). */
  media: MediaUrlPolicy;
  /** Members' and places' generation settings (private mode reads `privateResults` from them). */
  settings: SettingsStore;
}
