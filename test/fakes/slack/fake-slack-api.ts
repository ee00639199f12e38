import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { waitForChange } from "../../helpers/wait-for-change.js";
import { TEST_TLS } from "../tls/test-tls.js";

/** One Web API call the fake received. */
export interface FakeSlackCall {
  method: string;
  /** Form or JSON body; JSON-valued form fields (`blocks`) parsed. */
  params: Record<string, unknown>;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** A request to a file download URL or a `response_url`. */
export interface FakeSlackRequest {
  path: string;
  authorization: string | undefined;
  body?: unknown;
}

/** A message as the fake stores it (latest version). */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  user: string;
  blocks?: unknown[] | undefined;
  thread_ts?: string | undefined;
  bot_id?: string | undefined;
  /** Files shared with the message (external uploads). */
  files?: { id: string; name: string }[] | undefined;
  /** Every version, first the posted one (chat.update adds versions). */
  versions: { text: string; blocks?: unknown[] | undefined }[];
}

/** A file uploaded through the external-upload flow (bytes hashed as they arrive, never kept whole). */
export interface FakeSlackUpload {
  fileId: string;
  filename: string;
  /** The length announced to `files.getUploadURLExternal`. */
  length: number;
  /** Bytes POSTed to the upload URL, and their SHA-256 (hex). */
  received: number;
  sha256?: string;
  /** `files.completeUploadExternal`'s destination, once completed. */
  completed?: { channel: string; threadTs?: string | undefined; comment?: string | undefined };
}

export interface FakeSlackUser {
  name: string;
  realName?: string;
  locale?: string;
  /** A workspace admin (`users.info` → `is_admin`). */
  isAdmin?: boolean;
  /** The user's own team when it is not this workspace (a Slack Connect member of another org). */
  team?: string;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Scopes reported by auth.test (`x-oauth-scopes`). */
  scopes?: string[];
  /** The app's OAuth credentials: `oauth.v2.access` answers only these. */
  oauth?: { clientId: string; clientSecret: string };
}

/** A workspace that can install the app through the fake's `oauth.v2.access`. */
export interface FakeWorkspace {
  teamId: string;
  teamName?: string;
  enterpriseId?: string;
  botUserId: string;
  botId?: string;
  /** Token rotation on: tokens expire after this many seconds and come with a refresh token. */
  expiresIn?: number;
}

/**
 * A loopback Slack: the Web API methods the bot uses (auth.test, chat.postMessage / update /
 * postEphemeral, users.info, files.info, conversations.replies, apps.connections.open), private file
 * downloads and `response_url`s. Checks the bearer token like Slack (`invalid_auth`), answers in
 * Slack's shapes, and records every call with its body and Authorization header.
 */
export class FakeSlackApi {
  readonly calls: FakeSlackCall[] = [];
  readonly downloads: FakeSlackRequest[] = [];
  readonly responses: FakeSlackRequest[] = [];
  readonly messages: FakeSlackMessage[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  readonly uploads: FakeSlackUpload[] = [];
  /** Messages removed with `chat.delete`. */
  readonly deleted: FakeSlackMessage[] = [];
  /**
   * Set: the app has no assistant container, so `assistant.threads.*` and the `chat.*Stream` methods
   * answer `{ ok: false, error }` with this error (e.g. `not_allowed_token_type`, `unknown_method`).
   */
  assistantOff: string | undefined;
  /** Set: a stream stops accepting appends after this many (Slack's ~5-minute lifetime, made countable). */
  streamExpiresAfterAppends: number | undefined;
  /** Open streams: message ts → appends so far. */
  private readonly streams = new Map<string, number>();
  /** What `apps.connections.open` returns as the WebSocket URL. */
  socketUrl: string | undefined;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  private readonly files = new Map<
    string,
    { file: Record<string, unknown>; content: Buffer; team: string }
  >();
  private readonly failures = new Map<string, { error: string; times: number }>();
  private readonly rateLimits = new Map<string, { retryAfter: number; times: number }>();
  /** Methods whose next call is held (recorded, unanswered) until released. */
  private readonly held = new Map<string, Promise<void>>();
  private readonly changes = new EventEmitter();
  private tsCounter = 0;
  /** Codes an install can exchange (`grantCode`), and the bot tokens and refresh tokens issued. */
  private readonly codes = new Map<string, FakeWorkspace>();
  private readonly tokens = new Map<string, FakeWorkspace>();
  private readonly refreshTokens = new Map<string, FakeWorkspace>();
  private tokenCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Slack serves files over https (files.slack.com); so does this fake, with `TEST_TLS`. */
    private readonly filesServer: HttpsServer,
    readonly filesUrl: string,
    private readonly options: FakeSlackOptions,
  ) {
    this.teamId = options.teamId ?? "T0FAKE";
    this.botUserId = options.botUserId ?? "UBOT";
    this.botId = options.botId ?? "BBOT";
    this.changes.setMaxListeners(100);
  }

  static async start(options: FakeSlackOptions): Promise<FakeSlackApi> {
    let fake: FakeSlackApi | undefined;
    const server = createServer((req, res) => void fake?.route(req, res));
    const filesServer = createHttpsServer(TEST_TLS, (req, res) => void fake?.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => filesServer.listen(0, "127.0.0.1", resolve));
    const portOf = (listening: Server | HttpsServer) => (listening.address() as AddressInfo).port;
    fake = new FakeSlackApi(
      server,
      `http://127.0.0.1:${portOf(server)}`,
      filesServer,
      `https://127.0.0.1:${portOf(filesServer)}`,
      options,
    );
    return fake;
  }

  /** The Web API base to configure as `apiUrl` (without the trailing slash, as users write it). */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** Calls of one method, in order. */
  callsOf(method: string): FakeSlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  fail(method: string, error: string, times = 1): void {
    this.failures.set(method, { error, times });
  }

  /** The next `times` calls of `method` get HTTP 429 with `Retry-After: retryAfter` (seconds). */
  rateLimit(method: string, retryAfter: number, times = 1): void {
    this.rateLimits.set(method, { retryAfter, times });
  }

  /** The next call of `method` is recorded but answered only once the returned function is called. */
  holdNext(method: string): () => void {
    let release!: () => void;
    this.held.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }

  /** Lets `code` be exchanged once for an installation of `workspace` (what Slack's consent page does). */
  grantCode(code: string, workspace: FakeWorkspace): void {
    this.codes.set(code, workspace);
  }

  /** Every token of the team stops working (`invalid_auth`), as after an uninstall. */
  revokeTeam(teamId: string): void {
    for (const [token, workspace] of this.tokens) if (workspace.teamId === teamId) this.tokens.delete(token);
  }

  /** The workspace a bearer token was issued for by `oauth.v2.access`. */
  workspaceOf(authorization: string | undefined): FakeWorkspace | undefined {
    return this.tokens.get(authorization?.replace(/^Bearer /, "") ?? "");
  }

  /**
   * Stores a file of `team` (default the fake's own) and returns its Slack file object (with
   * `url_private_download` on this fake). Only a bot token of that team downloads it.
   */
  addFile(
    id: string,
    name: string,
    mimetype: string,
    content: Buffer,
    team = this.teamId,
  ): Record<string, unknown> {
    const url = `${this.filesUrl}/files-pri/${team}-${id}/download/${encodeURIComponent(name)}`;
    const file = {
      id,
      name,
      title: name,
      mimetype,
      filetype: name.split(".").pop(),
      size: content.length,
      mode: "hosted",
      is_external: false,
      url_private: url.replace("/download/", "/"),
      url_private_download: url,
    };
    this.files.set(id, { file, content, team });
    return file;
  }

  /** Stores a message someone else wrote (a thread parent that conversations.replies returns). */
  addMessage(channel: string, message: { ts: string; user: string; text: string; thread_ts?: string }): void {
    this.messages.push({ channel, ...message, versions: [{ text: message.text }] });
  }

  /** Latest versions of the messages posted in a thread (or, without `threadTs`, at a DM's top level). */
  thread(channel: string, threadTs: string | undefined): FakeSlackMessage[] {
    return this.messages.filter(
      (message) =>
        message.channel === channel && message.thread_ts === threadTs && message.user === this.botUserId,
    );
  }

  /** Everything visible in a message: its text and the texts inside its blocks, as sent. */
  static visible(message: { text: string; blocks?: unknown[] | undefined }): string {
    return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
  }

  /** Resolves once `predicate` holds (checked after every request), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    return waitForChange(this.changes, "change", predicate, timeoutMs, () => {
      const recent = this.calls
        .slice(-15)
        .map((call) => `${call.method} ${JSON.stringify(call.params).slice(0, 300)}`);
      return `${what}; last calls:\n${recent.join("\n")}`;
    });
  }

  async close(): Promise<void> {
    for (const server of [this.server, this.filesServer]) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", this.url).pathname;
    if (req.method === "POST" && path.startsWith("/upload/")) return this.receiveUpload(path, req, res);
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    try {
      if (req.method === "POST" && path.startsWith("/api/")) {
        const params = parseParams(body, req.headers["content-type"]);
        const method = path.slice("/api/".length);
        this.calls.push({ method, params, authorization, contentType: req.headers["content-type"] });
        const hold = this.held.get(method);
        if (hold) {
          this.held.delete(method);
          this.changes.emit("change");
          await hold;
        }
        const limited = this.rateLimits.get(method);
        if (limited && limited.times > 0) {
          limited.times--;
          res.writeHead(429, { "retry-after": String(limited.retryAfter) }).end();
          return;
        }
        const answer = this.answer(method, params, authorization);
        const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
        if (method === "auth.test" && answer.ok)
          headers["x-oauth-scopes"] = (this.options.scopes ?? []).join(",");
        res.writeHead(200, headers).end(JSON.stringify(answer));
        return;
      }
      if (req.method === "GET" && path.startsWith("/files-pri/"))
        return this.download(path, authorization, res);
      if (req.method === "POST" && path.startsWith("/respond/")) {
        this.responses.push({ path, authorization, body: JSON.parse(body.toString("utf8") || "{}") });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      res.writeHead(404).end();
    } finally {
      this.changes.emit("change");
    }
  }

  /** The upload URL: hashes the bytes as they stream in (a 50 MB file costs the fake no memory). */
  private async receiveUpload(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.uploads.find((u) => u.fileId === path.slice("/upload/".length));
    try {
      if (!upload) {
        req.resume();
        res.writeHead(404).end();
        return;
      }
      const hash = createHash("sha256");
      for await (const chunk of req as AsyncIterable<Buffer>) {
        hash.update(chunk);
        upload.received += chunk.length;
      }
      upload.sha256 = hash.digest("hex");
      res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${upload.received}`);
    } finally {
      this.changes.emit("change");
    }
  }

  private download(path: string, authorization: string | undefined, res: ServerResponse): void {
    this.downloads.push({ path, authorization });
    const id = /^\/files-pri\/[^-]+-([^/]+)\//.exec(path)?.[1];
    const stored = id ? this.files.get(id) : undefined;
    const team = stored?.team ?? this.teamId;
    const ownToken =
      (team === this.teamId && authorization === `Bearer ${this.options.botToken}`) ||
      this.workspaceOf(authorization)?.teamId === team;
    if (!ownToken) {
      // Slack answers a download without a token of the file's workspace with its sign-in page.
      res.writeHead(302, { location: "https://slack.com/signin" }).end();
      return;
    }
    if (!stored) return void res.writeHead(404).end();
    res
      .writeHead(200, {
        "content-type": String(stored.file.mimetype),
        "content-length": String(stored.content.length),
      })
      .end(stored.content);
  }

  private answer(
    method: string,
    params: Record<string, unknown>,
    authorization: string | undefined,
  ): Record<string, unknown> {
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times--;
      return { ok: false, error: failure.error };
    }
    if (method === "apps.connections.open") {
      if (!this.options.appToken || authorization !== `Bearer ${this.options.appToken}`) {
        return { ok: false, error: "invalid_auth" };
      }
      return this.socketUrl
        ? { ok: true, url: this.socketUrl }
        : { ok: false, error: "socket_mode_not_enabled" };
    }
    if (method === "oauth.v2.access") return this.oauthAccess(params);
    const installed = this.workspaceOf(authorization);
    if (authorization !== `Bearer ${this.options.botToken}` && !installed) {
      return { ok: false, error: authorization ? "invalid_auth" : "not_authed" };
    }
    switch (method) {
      case "auth.test":
        if (installed) {
          return {
            ok: true,
            url: `https://${installed.teamId.toLowerCase()}.slack.com/`,
            team: installed.teamName ?? installed.teamId,
            user: "nemo",
            team_id: installed.teamId,
            user_id: installed.botUserId,
            bot_id: installed.botId ?? `B${installed.teamId}`,
            is_enterprise_install: false,
            ...(installed.enterpriseId ? { enterprise_id: installed.enterpriseId } : {}),
          };
        }
        return {
          ok: true,
          url: "https://fake-team.slack.com/",
          team: "Fake Team",
          user: "nemo",
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case "chat.postMessage":
        return this.postMessage(params);
      case "chat.update":
        return this.update(params);
      case "chat.delete": {
        const at = this.messages.findIndex((m) => m.channel === params.channel && m.ts === params.ts);
        if (at < 0) return { ok: false, error: "message_not_found" };
        this.deleted.push(this.messages.splice(at, 1)[0]!);
        return { ok: true, channel: params.channel, ts: params.ts };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "views.open": {
        if (!params.trigger_id) return { ok: false, error: "invalid_arguments" };
        const view = typeof params.view === "string" ? JSON.parse(params.view) : params.view;
        return { ok: true, view: { id: `V${this.nextTs().replace(".", "")}`, ...(view as object) } };
      }
      case "users.info":
        return this.userInfo(params);
      case "files.info": {
        const stored = this.files.get(String(params.file));
        return stored
          ? { ok: true, file: stored.file, comments: [] }
          : { ok: false, error: "file_not_found" };
      }
      case "files.getUploadURLExternal":
        return this.uploadUrl(params);
      case "files.completeUploadExternal":
        return this.completeUpload(params);
      case "assistant.threads.setStatus":
      case "assistant.threads.setSuggestedPrompts":
      case "assistant.threads.setTitle":
        if (this.assistantOff) return { ok: false, error: this.assistantOff };
        if (!params.channel_id || !params.thread_ts) return { ok: false, error: "invalid_arguments" };
        return { ok: true };
      case "chat.startStream":
      case "chat.appendStream":
      case "chat.stopStream":
        return this.stream(method, params);
      case "conversations.replies": {
        const parent = this.messages.find(
          (message) => message.channel === params.channel && message.ts === params.ts,
        );
        if (!parent) return { ok: false, error: "thread_not_found" };
        const { versions: _versions, channel: _channel, ...shown } = parent;
        return { ok: true, messages: [{ type: "message", ...shown }], has_more: false };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /** `oauth.v2.access`: a code exchange (an install) or, with `grant_type=refresh_token`, a rotation. */
  private oauthAccess(params: Record<string, unknown>): Record<string, unknown> {
    const app = this.options.oauth;
    if (!app || params.client_id !== app.clientId || params.client_secret !== app.clientSecret)
      return { ok: false, error: "invalid_client_id" };
    let workspace: FakeWorkspace | undefined;
    if (params.grant_type === "refresh_token") {
      workspace = this.refreshTokens.get(String(params.refresh_token));
      if (!workspace) return { ok: false, error: "invalid_refresh_token" };
    } else {
      workspace = this.codes.get(String(params.code));
      this.codes.delete(String(params.code));
      if (!workspace) return { ok: false, error: "invalid_code" };
    }
    this.tokenCounter++;
    const rotating = workspace.expiresIn !== undefined;
    const token = `${rotating ? "xoxe.xoxb" : "xoxb"}-${workspace.teamId}-${this.tokenCounter}`;
    this.tokens.set(token, workspace);
    const refresh = rotating ? `xoxe-1-${workspace.teamId}-${this.tokenCounter}` : undefined;
    if (refresh) this.refreshTokens.set(refresh, workspace);
    // After a first exchange, rotated tokens live 12 hours (as Slack's do).
    const expiresIn = params.grant_type === "refresh_token" ? 43_200 : workspace.expiresIn;
    return {
      ok: true,
      app_id: "AFAKE",
      authed_user: { id: "UINSTALLER" },
      scope: (this.options.scopes ?? []).join(","),
      token_type: "bot",
      access_token: token,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName ?? workspace.teamId },
      enterprise: workspace.enterpriseId ? { id: workspace.enterpriseId } : null,
      is_enterprise_install: false,
      ...(refresh ? { refresh_token: refresh, expires_in: expiresIn } : {}),
    };
  }

  private postMessage(params: Record<string, unknown>): Record<string, unknown> {
    const requested = String(params.channel ?? "");
    // A user id as the channel: Slack posts in the app's DM with them and answers with the DM's id.
    const channel = /^[UW][A-Z0-9]+$/.test(requested) ? `D${requested}` : requested;
    if (!channel) return { ok: false, error: "channel_not_found" };
    if (!params.text && !params.blocks) return { ok: false, error: "no_text" };
    const blocks = Array.isArray(params.blocks) ? params.blocks : undefined;
    if (blocks && blocks.length > 50) return { ok: false, error: "invalid_blocks" };
    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      text: String(params.text ?? ""),
      user: this.botUserId,
      bot_id: this.botId,
      blocks,
      thread_ts: typeof params.thread_ts === "string" ? params.thread_ts : undefined,
      versions: [],
    };
    message.versions.push({ text: message.text, blocks });
    this.messages.push(message);
    const { versions: _versions, channel: _channel, ...shown } = message;
    return { ok: true, channel, ts: message.ts, message: { type: "message", team: this.teamId, ...shown } };
  }

  private update(params: Record<string, unknown>): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === params.channel && m.ts === params.ts);
    if (!message) return { ok: false, error: "message_not_found" };
    if (message.user !== this.botUserId) return { ok: false, error: "cant_update_message" };
    const blocks = Array.isArray(params.blocks) ? params.blocks : undefined;
    if (blocks && blocks.length > 50) return { ok: false, error: "invalid_blocks" };
    message.text = String(params.text ?? "");
    message.blocks = blocks;
    message.versions.push({ text: message.text, blocks });
    const { versions: _versions, channel: _channel, ...shown } = message;
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      message: { type: "message", ...shown },
    };
  }

  private uploadUrl(params: Record<string, unknown>): Record<string, unknown> {
    const length = Number(params.length);
    if (!params.filename || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: "invalid_arguments" };
    const fileId = `F${String(this.uploads.length + 1).padStart(8, "0")}`;
    this.uploads.push({ fileId, filename: String(params.filename), length, received: 0 });
    return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
  }

  private completeUpload(params: Record<string, unknown>): Record<string, unknown> {
    const files = Array.isArray(params.files) ? (params.files as { id?: unknown }[]) : [];
    const upload = this.uploads.find((u) => u.fileId === files[0]?.id);
    if (!upload || upload.received !== upload.length) return { ok: false, error: "file_not_found" };
    const channel = String(params.channel_id ?? "");
    const threadTs = typeof params.thread_ts === "string" ? params.thread_ts : undefined;
    const comment = typeof params.initial_comment === "string" ? params.initial_comment : undefined;
    upload.completed = { channel, threadTs, comment };
    // Slack shares the file as a message of the bot in the thread (the comment is its text).
    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      text: comment ?? "",
      user: this.botUserId,
      bot_id: this.botId,
      thread_ts: threadTs,
      files: [{ id: upload.fileId, name: upload.filename }],
      versions: [{ text: comment ?? "" }],
    };
    this.messages.push(message);
    return { ok: true, files: [{ id: upload.fileId, title: upload.filename }] };
  }

  /** `chat.startStream` / `appendStream` / `stopStream`: one message whose text grows. */
  private stream(method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (this.assistantOff) return { ok: false, error: this.assistantOff };
    const channel = String(params.channel ?? "");
    const chunk = typeof params.markdown_text === "string" ? params.markdown_text : "";
    if (method === "chat.startStream") {
      if (!channel || !params.thread_ts) return { ok: false, error: "invalid_arguments" };
      const posted = this.postMessage({ channel, thread_ts: params.thread_ts, text: chunk || " " });
      const ts = String(posted.ts);
      const message = this.messages.find((m) => m.ts === ts)!;
      message.text = chunk;
      message.versions = [{ text: chunk }];
      this.streams.set(ts, 0);
      return { ok: true, channel, ts };
    }
    const ts = String(params.ts ?? "");
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts);
    if (!message) return { ok: false, error: "message_not_found" };
    const appends = this.streams.get(ts);
    if (appends === undefined) return { ok: false, error: "message_not_in_streaming_state" };
    if (method === "chat.appendStream") {
      if (this.streamExpiresAfterAppends !== undefined && appends >= this.streamExpiresAfterAppends) {
        this.streams.delete(ts);
        return { ok: false, error: "message_not_in_streaming_state" };
      }
      this.streams.set(ts, appends + 1);
    } else {
      this.streams.delete(ts);
      if (Array.isArray(params.blocks)) message.blocks = params.blocks;
    }
    message.text += chunk;
    message.versions.push({ text: message.text, blocks: message.blocks });
    return { ok: true, channel, ts };
  }

  private userInfo(params: Record<string, unknown>): Record<string, unknown> {
    const id = String(params.user ?? "");
    const user = this.users.get(id);
    if (!user) return { ok: false, error: "user_not_found" };
    const withLocale = params.include_locale === true || params.include_locale === "true";
    return {
      ok: true,
      user: {
        id,
        team_id: user.team ?? this.teamId,
        ...(user.team && user.team !== this.teamId ? { is_stranger: true } : {}),
        name: user.name,
        real_name: user.realName ?? user.name,
        is_bot: false,
        is_admin: user.isAdmin === true,
        tz: "Europe/Berlin",
        ...(withLocale && user.locale ? { locale: user.locale } : {}),
        profile: { display_name: user.name, real_name: user.realName ?? user.name },
      },
    };
  }

  private nextTs(): string {
    this.tsCounter++;
    return `1700000000.${String(100 + this.tsCounter).padStart(6, "0")}`;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A Web API body: form-encoded (fields holding JSON parsed, as Slack does) or JSON. */
function parseParams(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const raw = body.toString("utf8");
  if (contentType?.startsWith("application/json"))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return params;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
