/** SSE payload dialect spoken by the simulated `/run_sse`. */
export type Dialect = "typed" | "agent";

export interface SimulatorOptions {
  /** Port to listen on; 0 (default) picks an ephemeral port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Base URL clients reach it at, for the file and render links it hands out (default: the listen address). */
  publicUrl?: string;
  /** SSE payload dialect (default "agent"). */
  dialect?: Dialect;
  /**
   * agent dialect: text as `partial:true` chunks, then the same full text as one `partial:false` event.
   * typed dialect: several `{"type":"text"}` deltas without a final repeat. Default true.
   */
  chunkText?: boolean;
  /** Delay before every response, in ms (default 0). */
  latencyMs?: number;
  /** Keep-alive cadence during long work, in ms (default 50). */
  heartbeatIntervalMs?: number;
  /** How long a `generate_video` tool takes, in ms (default 200). */
  generationMs?: number;
  /** How long an edit takes, in ms (default 20). */
  editMs?: number;
  /** Edits close the stream with no text (default false). */
  silentEdits?: boolean;
  /** Anonymous token lifetime in ms (default 7 days). */
  tokenTtlMs?: number;
  /** Invalid token → HTTP 200 `{"code":1001}` ("envelope") or HTTP 401 ("http", default). */
  authErrorForm?: "envelope" | "http";
  /** Starting credits per user (default 100). */
  credits?: number;
  /** Credits per generation (default 10). */
  generationCost?: number;
  /** Upload size cap in bytes (default 500 MB); larger → 4002. */
  uploadMaxBytes?: number;
  /** Polls until a render completes (default 3). */
  renderSteps?: number;
  /** Render poll response form (default "output"). */
  renderForm?: "output" | "data";
  /** Start export → HTTP 402 (also 402 when an X-Skill-* header is missing). */
  exportBlocked?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query string without the leading `?` ("" when none). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The session the request names (path or body), when it names one. */
  sessionId?: string;
  /** `/run_sse`: the message text, so tests can prove what was sent and in which order. */
  message?: string;
}

export type Fault =
  /** Plain HTTP status (e.g. 429, 500, 503), optional JSON body. */
  | { kind: "status"; status: number; body?: unknown }
  /** HTTP 200 envelope `{"code":N,...}`. */
  | { kind: "code"; code: number; message?: string; data?: unknown }
  /** run_sse: destroy the socket after N events; the message's effect on the state still happens. */
  | { kind: "disconnect"; afterEvents: number }
  /** run_sse: only keep-alives until the client goes away. */
  | { kind: "heartbeats-only" }
  /** run_sse: N malformed data lines among normal events. */
  | { kind: "malformed"; count: number }
  /** The render created by the next start export fails at its last poll. */
  | { kind: "render-fail"; error?: string }
  /** Not run_sse: the call is carried out at once, its answer held back for `ms` (a client gone by then never hears of it). */
  | { kind: "slow-answer"; ms: number };

export type Route =
  | "anonymous-token"
  | "create-session"
  | "run_sse"
  | "upload"
  | "credits"
  | "state"
  | "render-start"
  | "render-status"
  | "render-cancel"
  | "download";

export const ROUTES: readonly Route[] = [
  "anonymous-token",
  "create-session",
  "run_sse",
  "upload",
  "credits",
  "state",
  "render-start",
  "render-status",
  "render-cancel",
  "download",
];

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Live knobs: change them between calls. */
  options: Required<SimulatorOptions>;
  /** Every request (control endpoints excluded), headers included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The next `times` (default 1) calls of `route` get `fault`. */
  inject(route: Route, fault: Fault, times?: number): void;
  runSseCount(sessionId: string): number;
  /** Every issued token becomes invalid (→ 1001 / 401). */
  expireTokens(): void;
  /** Every later call naming the session gets 1002. */
  dropSession(sessionId: string): void;
  /** Sets the available credits of every user (and of users created later). */
  setCredits(available: number): void;
  sessions(): string[];
  /** The raw state object of a session (a copy), `undefined` when unknown. */
  state(sessionId: string): unknown;
  close(): Promise<void>;
}
