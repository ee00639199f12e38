import { createServer, type IncomingMessage, type Server } from "node:http";

/**
 * The Slack Web API as the bench needs it (auth.test, chat.postMessage, chat.update, users.info):
 * answers at once and records, per thread, when the first reply and the final answer (a message with
 * the answer's Export button) arrived. Keeps no message bodies, so thousands of threads stay cheap.
 */
export class SlackSink {
  readonly firstReplyAt = new Map<string, number>();
  readonly answeredAt = new Map<string, number>();
  /** Threads whose export reported progress from the backend (so it was submitted). */
  readonly exporting = new Set<string>();
  calls = 0;
  private readonly threadOfTs = new Map<string, string>();
  private tsCounter = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(botUserId: string): Promise<SlackSink> {
    let sink!: SlackSink;
    const server = createServer((req, res) => {
      void readForm(req).then((params) => {
        const answer = sink.answer(req.url ?? "", params, botUserId);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    sink = new SlackSink(server, `http://127.0.0.1:${port}/api/`);
    return sink;
  }

  /** Resolves once `predicate` holds (checked on every call), or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1_000).unref();
      });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(url: string, params: Record<string, string>, botUserId: string): Record<string, unknown> {
    this.calls++;
    const method = url.replace(/^\/api\//, "").split("?")[0] ?? "";
    const now = performance.now();
    try {
      switch (method) {
        case "auth.test":
          return { ok: true, team_id: "TBENCH", user_id: botUserId, bot_id: "BBENCH", team: "Bench" };
        case "users.info":
          return { ok: true, user: { id: params.user, name: "bench", locale: "en-US", profile: {} } };
        case "chat.postMessage": {
          const ts = `1800000000.${String(++this.tsCounter).padStart(6, "0")}`;
          const thread = params.thread_ts ?? ts;
          this.threadOfTs.set(ts, thread);
          this.record(thread, params, now);
          return { ok: true, channel: params.channel, ts, message: { ts } };
        }
        case "chat.update": {
          const thread = this.threadOfTs.get(params.ts ?? "") ?? params.ts ?? "";
          this.record(thread, params, now);
          return { ok: true, channel: params.channel, ts: params.ts };
        }
        default:
          return { ok: true };
      }
    } finally {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private record(thread: string, params: Record<string, string>, now: number): void {
    if (!this.firstReplyAt.has(thread)) this.firstReplyAt.set(thread, now);
    if (/Exporting… .*\d+%/.test(params.text ?? "")) this.exporting.add(thread);
    if (!this.answeredAt.has(thread) && (params.blocks ?? "").includes("nemo_export")) {
      this.answeredAt.set(thread, now);
    }
  }
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if ((req.headers["content-type"] ?? "").includes("json")) {
    const parsed = JSON.parse(raw || "{}") as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
