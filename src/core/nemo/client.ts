import { randomUUID } from "node:crypto";
import { Agent, type Dispatcher } from "undici";
import { errorCode, errorField } from "../error-code.js";
import { type Logger, silentLogger } from "../logger.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../package-info.js";
import type { NemoClientOptions } from "./client-options.js";
import { type Unwrapper, unwrapEnvelope, unwrapRender } from "./envelope.js";
import { NemoBadRequestError, NemoOutOfCreditsError, NemoRefusedError, NemoRequestError } from "./errors.js";
import { type Attribution, type CallOptions, NemoHttp, type Opened } from "./http.js";
import { MessageStream } from "./message-stream.js";
import { type MultipartFile, multipartBody } from "./multipart.js";
import { normalizeExportStatus, normalizeState, normalizeUploadedFiles } from "./normalize.js";
import { TokenProvider } from "./token-provider.js";
import type {
  Credits,
  Draft,
  ExportStatus,
  NemoState,
  Platform,
  SessionInfo,
  UploadedFile,
} from "./types.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Per-call context: which platform the conversation lives on (attribution), and cancellation. */
export interface CallContext {
  platform: Platform;
  signal?: AbortSignal | undefined;
  /**
   * A user's own API token (their linked account): used as is for this call instead of the bot's, never
   * refreshed; a rejection is a `NEMO_AUTH` error with `userToken: true`.
   */
  token?: string | undefined;
}

export interface UploadSource extends Omit<MultipartFile, "contentType"> {
  contentType?: string | undefined;
}

/** The typed NemoVideo client: every endpoint of docs/backend-protocol.md, normalised. */
export class NemoClient {
  readonly tokens: TokenProvider;
  readonly attribution: Attribution;
  private readonly http: NemoHttp;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly options: NemoClientOptions) {
    this.logger = options.logger ?? silentLogger();
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 10 * MINUTE,
        connections: options.connections ?? 256,
      });
    this.attribution = { source: options.source || PACKAGE_NAME, version: PACKAGE_VERSION };
    this.tokens = new TokenProvider({
      staticToken: options.token,
      clientId: options.clientId,
      store: options.store,
      obtain: (clientId) => this.obtainAnonymousToken(clientId),
    });
    this.http = new NemoHttp({
      baseUrl: options.apiUrl,
      dispatcher: this.dispatcher,
      tokens: this.tokens,
      attribution: this.attribution,
      logger: this.logger,
      rateLimitWaitMs: options.rateLimitWaitMs ?? 30_000,
      retries: options.retries ?? 3,
      retryMinDelayMs: options.retryMinDelayMs ?? 500,
      timeoutMs: options.timeoutMs ?? 30_000,
      onOutcome: options.onBackendOutcome,
    });
  }

  get webUrl(): string {
    return this.options.webUrl;
  }

  /** Registration links only for the bot's anonymous account; a registered account tops up instead. */
  private bindBase(ctx?: CallContext): string | undefined {
    return this.tokens.isOperatorToken || ctx?.token ? undefined : this.options.webUrl;
  }

  /** Where a registered account buys credits: `NEMO_BILLING_URL`, else `<NEMO_WEB_URL>/billing`. */
  get billingUrl(): string {
    return this.options.billingUrl || `${this.options.webUrl.replace(/\/+$/, "")}/billing`;
  }

  /** Whether the bot's own account (no user token) is an anonymous one, whose bind link is the operator's. */
  get isAnonymous(): boolean {
    return !this.tokens.isOperatorToken;
  }

  /**
   * Unwraps an answer; a 2001 is completed for the reader: the anonymous account's bind link goes to the
   * operator's log (never to a chat), a registered account gets the billing page.
   */
  private unwrap(
    ctx: CallContext | undefined,
    unwrapper: Unwrapper,
    status: number,
    json: unknown,
  ): Record<string, unknown> {
    try {
      return unwrapper(status, json, this.bindBase(ctx));
    } catch (error) {
      if (error instanceof NemoOutOfCreditsError) {
        if (error.bindUrl)
          this.logger.warn({ bindUrl: error.bindUrl }, "nemo-anonymous-account-out-of-credits");
        else error.billingUrl = this.billingUrl;
      }
      throw error;
    }
  }

  /** `POST /api/tasks/me/with-session/nemo_agent`. */
  async createSession(ctx: CallContext, language: string): Promise<SessionInfo> {
    const data = await this.envelope(ctx, {
      method: "POST",
      path: "/api/tasks/me/with-session/nemo_agent",
      json: { task_name: "project", language },
      idempotent: false,
    });
    const taskId = data.task_id ?? data.taskId;
    const sessionId = data.session_id ?? data.sessionId;
    if (taskId === undefined || sessionId === undefined) {
      throw new NemoRequestError("create session: no task_id/session_id in the answer");
    }
    return { taskId: String(taskId), sessionId: String(sessionId), userId: String(data.user_id ?? "") };
  }

  /**
   * `POST /run_sse`: the message's events. Never retried once the request may have reached the
   * backend (only a 1001 refresh or a 429 wait, both refusals, lead to a second request).
   */
  sendMessage(
    ctx: CallContext,
    sessionId: string,
    text: string,
    options: { hardCapMs?: number; heartbeatTimeoutMs?: number } = {},
  ): MessageStream {
    const call = (signal: AbortSignal): CallOptions => ({
      method: "POST",
      path: "/run_sse",
      ...callOf(ctx),
      signal,
      accept: "text/event-stream",
      json: {
        app_name: "nemo_agent",
        user_id: "me",
        session_id: sessionId,
        new_message: { parts: [{ text }] },
      },
      idempotent: false,
      timeoutMs: this.options.streamHeadersTimeoutMs ?? MINUTE,
      bodyTimeoutMs: 0,
    });
    return new MessageStream(
      (signal) => this.http.open(call(signal)).catch(asRefusal),
      (opened) => {
        // A JSON answer instead of a stream is a refusal (1002, 2001, …) or an empty success; an error
        // status whose body is no backend envelope (a proxy's page, a bare error) is an HTTP refusal.
        if (opened.status >= 400 && !isEnvelope(opened.json)) {
          throw new NemoRefusedError(`/run_sse answered HTTP ${opened.status}`, opened.status);
        }
        this.unwrap(ctx, unwrapEnvelope, opened.status, opened.json);
        return undefined;
      },
      {
        signal: ctx.signal,
        maxEventBytes: this.options.maxEventBytes ?? 1024 * 1024,
        hardCapMs: options.hardCapMs ?? this.options.streamHardCapMs ?? 15 * MINUTE,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? this.options.heartbeatTimeoutMs ?? 10 * MINUTE,
      },
      this.logger,
    );
  }

  /** `POST /api/upload-video/...`: streamed files (multipart `files`) or URLs the backend fetches. */
  async upload(
    ctx: CallContext,
    sessionId: string,
    source: { files: readonly UploadSource[] } | { urls: readonly string[] },
  ): Promise<UploadedFile[]> {
    const path = `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`;
    const call: Omit<CallOptions, "platform" | "signal"> =
      "urls" in source
        ? { method: "POST", path, json: { urls: source.urls, source_type: "url" }, idempotent: false }
        : {
            method: "POST",
            path,
            body: () =>
              multipartBody(
                "files",
                source.files.map((file) => ({
                  ...file,
                  contentType: file.contentType ?? "application/octet-stream",
                })),
              ),
            idempotent: false,
            timeoutMs: this.options.uploadTimeoutMs ?? 15 * MINUTE,
          };
    const data = await this.envelope(ctx, call);
    return normalizeUploadedFiles(data.files);
  }

  /** `GET /api/credits/balance/simple`. */
  async credits(ctx: CallContext): Promise<Credits> {
    const data = await this.envelope(ctx, {
      method: "GET",
      path: "/api/credits/balance/simple",
      idempotent: true,
    });
    return {
      available: Number(data.available ?? 0),
      frozen: Number(data.frozen ?? 0),
      total: Number(data.total ?? 0),
    };
  }

  /**
   * `POST /api/auth/claim-token`: a token that opens this project in the web app (and nothing else),
   * for `<NEMO_WEB_URL>/workspace/claim?ct=…`. `expiresInMs` as the backend said (7 days usually).
   */
  async claimToken(
    ctx: CallContext,
    taskId: string,
    sessionId: string,
  ): Promise<{ claimToken: string; expiresInMs: number }> {
    const data = await this.envelope(ctx, {
      method: "POST",
      path: "/api/auth/claim-token",
      json: { task_id: taskId, session_id: sessionId },
      idempotent: true,
    });
    const claimToken = data.claim_token ?? data.claimToken;
    if (typeof claimToken !== "string" || claimToken === "") {
      throw new NemoRequestError("claim token: no claim_token in the answer");
    }
    const seconds = Number(data.expires_in ?? data.expiresIn ?? 0);
    return { claimToken, expiresInMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DAY };
  }

  /** `GET /api/state/.../latest`. */
  async state(ctx: CallContext, sessionId: string): Promise<NemoState> {
    const data = await this.envelope(ctx, {
      method: "GET",
      path: `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`,
      idempotent: true,
    });
    return normalizeState(data.state ?? data);
  }

  /** `POST /api/render/proxy/lambda` with a unique id; returns the id. */
  async startExport(ctx: CallContext, sessionId: string, draft: Draft, id = newExportId()): Promise<string> {
    let attempt = 0;
    try {
      await this.envelope(
        ctx,
        {
          method: "POST",
          path: "/api/render/proxy/lambda",
          json: { id, sessionId, draft, output: { format: "mp4", quality: "high" } },
          idempotent: true,
          onAttempt: () => attempt++,
        },
        unwrapRender,
      );
    } catch (error) {
      // A retried submission that the first attempt already placed is a success.
      if (attempt > 1 && error instanceof NemoRequestError && /duplicate/i.test(error.message)) return id;
      throw error;
    }
    return id;
  }

  /** `GET /api/render/proxy/lambda/<id>`, both response forms normalised. */
  async exportStatus(ctx: CallContext, id: string): Promise<ExportStatus> {
    const body = await this.envelope(
      ctx,
      {
        method: "GET",
        path: `/api/render/proxy/lambda/${encodeURIComponent(id)}`,
        idempotent: true,
      },
      unwrapRender,
    );
    return normalizeExportStatus(id, body);
  }

  /** `POST /api/render/proxy/lambda/<id>/cancel`. */
  async cancelExport(ctx: CallContext, id: string): Promise<void> {
    await this.envelope(
      ctx,
      {
        method: "POST",
        path: `/api/render/proxy/lambda/${encodeURIComponent(id)}/cancel`,
        json: {},
        idempotent: true,
      },
      unwrapRender,
    );
  }

  /** The download fallback for a finished render, for when its output URL is not reachable. */
  downloadUrl(id: string): string {
    return new URL(
      `api/render/proxy/${encodeURIComponent(id)}/download`,
      withSlash(this.options.apiUrl),
    ).toString();
  }

  async close(): Promise<void> {
    if (!this.ownsDispatcher || this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }

  private async obtainAnonymousToken(clientId: string): Promise<{ token: string; expiresAt: number }> {
    const opened = await this.http.open({
      method: "POST",
      path: "/api/auth/anonymous-token",
      platform: "console",
      headers: { "x-client-id": clientId },
      json: {},
      auth: false,
      idempotent: true,
    });
    if (opened.kind !== "json") throw new NemoBadRequestError("anonymous token: unexpected stream");
    const data = unwrapEnvelope(opened.status, opened.json, this.bindBase());
    if (typeof data.token !== "string") throw new NemoRequestError("anonymous token: no token in the answer");
    const expires = Date.parse(String(data.expires_at ?? ""));
    return {
      token: data.token,
      expiresAt: Number.isFinite(expires) ? expires : Date.now() + 24 * 60 * MINUTE,
      ...(data.user_id === undefined ? {} : { userId: String(data.user_id) }),
    };
  }

  /** A JSON call answered in the common envelope (`/render` endpoints answer in their own: `unwrapRender`). */
  private async envelope(
    ctx: CallContext,
    call: Omit<CallOptions, "platform" | "signal">,
    unwrapper: Unwrapper = unwrapEnvelope,
  ): Promise<Record<string, unknown>> {
    const opened = await this.http.open({ ...call, ...callOf(ctx) });
    if (opened.kind !== "json") throw new NemoRequestError(`${call.path}: unexpected event stream`);
    return this.unwrap(ctx, unwrapper, opened.status, opened.json);
  }
}

/** A fresh, unique render id (`render_<time>_<random>`). */
export function newExportId(): string {
  return `render_${Date.now()}_${randomUUID().slice(0, 8)}`;
}

/**
 * An HTTP error status (5xx) answering `/run_sse` before any stream byte is a refusal, not a lost
 * stream: the backend or a proxy in front of it said no. Transport failures stay as they are.
 */
function asRefusal(error: unknown): Promise<Opened> {
  const status = errorField(error, "status");
  if (errorCode(error) === "NEMO_UNAVAILABLE" && typeof status === "number") {
    throw new NemoRefusedError(`/run_sse answered HTTP ${status}`, status, { cause: error });
  }
  throw error;
}

function isEnvelope(json: unknown): boolean {
  return typeof errorField(json, "code") === "number" || typeof errorField(json, "success") === "boolean";
}

/** What of the call context goes into each request: attribution, cancellation, a user's own token. */
function callOf(ctx: CallContext): Pick<CallOptions, "platform" | "signal" | "token"> {
  return { platform: ctx.platform, signal: ctx.signal, ...(ctx.token ? { token: ctx.token } : {}) };
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
