import type { Dispatcher } from "undici";
import type { KeyValueStore } from "../kv-store.js";
import type { Logger } from "../logger.js";
import type { BackendOutcome } from "./http.js";

export interface NemoClientOptions {
  /** `NEMO_API_URL`. */
  apiUrl: string;
  /** `NEMO_WEB_URL`, for task and registration links. */
  webUrl: string;
  /** `NEMO_TOKEN`: an operator token; anonymous tokens are used when absent. */
  token?: string | undefined;
  /** `NEMO_CLIENT_ID`: else generated once and kept in `store`. */
  clientId?: string | undefined;
  /** Where the client id and the anonymous token are persisted. */
  store: KeyValueStore;
  /** Attribution source (`NEMO_SKILL_SOURCE`), default the package name. */
  source?: string | undefined;
  logger?: Logger | undefined;
  rateLimitWaitMs?: number;
  retries?: number;
  retryMinDelayMs?: number;
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  streamHardCapMs?: number;
  heartbeatTimeoutMs?: number;
  /** How long `/run_sse` may take to answer with its headers (a proxy's 504 usually comes before). */
  streamHeadersTimeoutMs?: number;
  /** Largest single SSE event kept; bigger ones are skipped and counted (`stats.oversized`). */
  maxEventBytes?: number;
  /** Each exchange's outcome, for a circuit breaker ("ok" below HTTP 500, else "unreachable"). */
  onBackendOutcome?: ((outcome: BackendOutcome) => void) | undefined;
  /** Pooled connections per origin. */
  connections?: number;
  /** The web app's billing page, shown with 2001 to registered accounts (`NEMO_BILLING_URL`). */
  billingUrl?: string | undefined;
  dispatcher?: Dispatcher;
}
