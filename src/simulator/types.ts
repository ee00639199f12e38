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
  /** Credits per editing turn (title, music, trim, remove-title); default 0 (edits are free). */
  editCost?: number;
  /** Lifetime of claim tokens from `POST /api/auth/claim-token`, in ms (default 7 days). */
  claimTokenTtlMs?: number;
  /** Uploads: the `ffprobe` to read media facts with ("" = never; default "ffprobe", used when on PATH). */
  ffprobe?: string;
  /**
   * Uploads whose duration/size cannot be read (not a readable MP4/PNG, no ffprobe, URL uploads):
   * "invent" (default, the historical 30 s 1920×1080) or "omit" the fields.
   */
  unknownMediaInfo?: "invent" | "omit";
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
  /** `/run_sse`: `Date.now()` when its stream ended (the bench times the bot's work around it). */
  endedAt?: number;
  /** The account (user id) whose valid token the request carried. */
  userId?: string;
  /**
   * `/run_sse`: "accepted" when the message was taken for processing (counted in `runSseCount`),
   * "refused" when a fault or an outage answered instead (counted in `runSseCounts().refused`).
   */
  outcome?: "accepted" | "refused";
}

export type Fault =
  /**
   * Plain HTTP status (e.g. 429, 500, 503), optional JSON body, or an HTML page (a proxy's error page);
   * `delayMs`: the answer comes only after this long (a gateway timeout).
   */
  | { kind: "status"; status: number; body?: unknown; html?: string; delayMs?: number }
  /** HTTP 200 envelope `{"code":N,...}`. */
  | { kind: "code"; code: number; message?: string; data?: unknown }
  /** run_sse: destroy the socket after N events; the message's effect on the state still happens. */
  | { kind: "disconnect"; afterEvents: number }
  /** run_sse: after N payload events, only keep-alives for `ms`, then the rest (a slow answer, mid-text). */
  | { kind: "pause"; afterEvents: number; ms: number }
  /** run_sse: only keep-alives until the client goes away. */
  | { kind: "heartbeats-only" }
  /** run_sse: N malformed data lines among normal events. */
  | { kind: "malformed"; count: number }
  /** The render created by the next start export fails at its last poll. */
  | { kind: "render-fail"; error?: string }
  /** An HTML error page, as a proxy sends it (default status 502, an nginx-like "Bad Gateway" body). */
  | { kind: "html"; status?: number; body?: string }
  /** Nothing at all for `afterMs`, then an HTML gateway timeout (default status 504). */
  | { kind: "timeout"; afterMs: number; status?: number }
  /** The connection is destroyed without any response (the client sees a reset / "socket hang up"). */
  | { kind: "reset" }
  /** Not run_sse: the call is carried out at once, its answer held back for `ms` (a client gone by then never hears of it). */
  | { kind: "slow-answer"; ms: number };

/**
 * How the backend answers during an outage (`startOutage`): "reset" destroys each connection, "status" is
 * HTTP 503 with a JSON body, "html" is HTTP 502 with an HTML page, "refuse" stops listening (connection
 * refused; `/__sim/*` is then unreachable too: end it in-process or let the deadline pass).
 */
export type OutageMode = "reset" | "status" | "html" | "refuse";

export interface OutageInfo {
  mode: OutageMode;
  /** `Date.now()` when it ends by itself; absent = until `endOutage()`. */
  until?: number;
}

/** `/run_sse` requests that named a session: taken for processing, or refused by a fault/outage. */
export interface RunSseCounts {
  accepted: number;
  refused: number;
}

/** An account as tests see it (no token). */
export interface AccountInfo {
  userId: string;
  /** false for anonymous-token accounts, true for accounts made with `createAccount`. */
  registered: boolean;
  available: number;
  frozen: number;
  total: number;
  /** Valid (unrevoked, unexpired) tokens of the account. */
  tokens: number;
}

export interface CreateAccountOptions {
  /** The API token; default a fresh `nmv_usr_…` value. */
  token?: string;
  /** Default: a fresh `usr_…` id. */
  userId?: string;
  /** Starting balance (default the `credits` knob). */
  balance?: number;
}

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
  | "download"
  | "claim-token";

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Live knobs: change them between calls. */
  options: Required<SimulatorOptions>;
  /** Every request (control endpoints excluded), headers included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The next `times` (default 1; `Infinity` = until `clearFaults`) calls of `route` get `fault`. */
  inject(route: Route, fault: Fault, times?: number): void;
  /** Drops the pending faults of `route` (of every route when omitted). */
  clearFaults(route?: Route): void;
  /** `/run_sse` messages taken for processing for the session (= `runSseCounts(sid).accepted`). */
  runSseCount(sessionId: string): number;
  /** Accepted and refused `/run_sse` requests of the session. */
  runSseCounts(sessionId: string): RunSseCounts;
  /**
   * Every API route refuses (see {@link OutageMode}, default "reset") for `forMs` or until `endOutage`;
   * in force as soon as this returns (awaiting it is only needed when replacing a "refuse" outage).
   */
  startOutage(options?: { mode?: OutageMode; forMs?: number }): Promise<void>;
  endOutage(): Promise<void>;
  /** The outage in force, if any. */
  outage(): OutageInfo | undefined;
  /** Every issued anonymous token becomes invalid (→ 1001 / 401); API tokens are not affected. */
  expireTokens(): void;
  /** A registered account with an API token (as made under Settings → API Tokens). */
  createAccount(options?: CreateAccountOptions): { token: string; userId: string };
  /** The token is invalid from now on (→ 1001 / 401); false when unknown. */
  revokeToken(token: string): boolean;
  /** The account behind a token or a user id. */
  account(tokenOrUserId: string): AccountInfo | undefined;
  /** Sets one account's available credits (by token or user id); false when unknown. */
  setBalance(tokenOrUserId: string, available: number): boolean;
  /** What a valid claim token (`clm_…`) opens; undefined when unknown or expired. */
  claim(claimToken: string): { taskId: string; sessionId: string; userId: string } | undefined;
  /** Every later call naming the session gets 1002. */
  dropSession(sessionId: string): void;
  /** Sets the available credits of every user (and of users created later). */
  setCredits(available: number): void;
  sessions(): string[];
  /** The raw state object of a session (a copy), `undefined` when unknown. */
  state(sessionId: string): unknown;
  close(): Promise<void>;
}
