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
  /** Every version, first the posted one (chat.update adds versions). */
  versions: { text: string; blocks?: unknown[] | undefined }[];
}

export interface FakeSlackUser {
  name: string;
  realName?: string;
  locale?: string;
  /** A workspace admin (`users.info` → `is_admin`). */
  isAdmin?: boolean;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** Scopes reported by auth.test (`x-oauth-scopes`). */
  scopes?: string[];
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
  /** What `apps.connections.open` returns as the WebSocket URL. */
  socketUrl: string | undefined;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  private readonly files = new Map<string, { file: Record<string, unknown>; content: Buffer }>();
  private readonly failures = new Map<string, { error: string; times: number }>();
  private readonly rateLimits = new Map<string, { retryAfter: number; times: number }>();
  private readonly changes = new EventEmitter();
  private tsCounter = 0;

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

  /** Stores a file and returns its Slack file object (with `url_private_download` on this fake). */
  addFile(id: string, name: string, mimetype: string, content: Buffer): Record<string, unknown> {
    const url = `${this.filesUrl}/files-pri/${this.teamId}-${id}/download/${encodeURIComponent(name)}`;
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
    this.files.set(id, { file, content });
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
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    try {
      if (req.method === "POST" && path.startsWith("/api/")) {
        const params = parseParams(body, req.headers["content-type"]);
        const method = path.slice("/api/".length);
        this.calls.push({ method, params, authorization, contentType: req.headers["content-type"] });
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

  private download(path: string, authorization: string | undefined, res: ServerResponse): void {
    this.downloads.push({ path, authorization });
    const id = /^\/files-pri\/[^-]+-([^/]+)\//.exec(path)?.[1];
    const stored = id ? this.files.get(id) : undefined;
    if (authorization !== `Bearer ${this.options.botToken}`) {
      // Slack answers an unauthenticated download with its sign-in page.
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
    if (authorization !== `Bearer ${this.options.botToken}`) {
      return { ok: false, error: authorization ? "invalid_auth" : "not_authed" };
    }
    switch (method) {
      case "auth.test":
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
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "users.info":
        return this.userInfo(params);
      case "files.info": {
        const stored = this.files.get(String(params.file));
        return stored
          ? { ok: true, file: stored.file, comments: [] }
          : { ok: false, error: "file_not_found" };
      }
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

  private postMessage(params: Record<string, unknown>): Record<string, unknown> {
    const channel = String(params.channel ?? "");
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

  private userInfo(params: Record<string, unknown>): Record<string, unknown> {
    const id = String(params.user ?? "");
    const user = this.users.get(id);
    if (!user) return { ok: false, error: "user_not_found" };
    const withLocale = params.include_locale === true || params.include_locale === "true";
    return {
      ok: true,
      user: {
        id,
        team_id: this.teamId,
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
