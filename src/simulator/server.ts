import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate, handleAnonymousToken, sendAuthError } from "./auth.js";
import type { Call } from "./call.js";
import { handleClaimToken } from "./claims.js";
import { SimContext } from "./context.js";
import { handleControl } from "./control.js";
import { handleCredits, type UserAccount } from "./credits.js";
import { holdAnswer, isImmediate, isSlowAnswer } from "./faults.js";
import { handleFile } from "./files.js";
import { sendEnvelope, sendHttpError, sendJson } from "./http-util.js";
import { resolveOptions } from "./options.js";
import { sendOutage } from "./outage.js";
import { sendFault } from "./refusals.js";
import { handleDownload, handleRenderCancel, handleRenderStart, handleRenderStatus } from "./render.js";
import { handleRunSse, refuseRunSse } from "./run-sse.js";
import { handleCreateSession, handleState } from "./session-routes.js";
import type { Session } from "./sessions/state.js";
import { SimulatorHandle } from "./simulator.js";
import type { RecordedRequest, Route, Simulator, SimulatorOptions } from "./types.js";
import { handleUpload } from "./upload.js";
import { handleClaimPage, handleRegisterPage } from "./web-pages.js";

interface RouteDef {
  method: string;
  pattern: RegExp;
  /** Fault-injection name; absent for /files and the web pages (which outages do not affect either). */
  route?: Route;
  auth: boolean;
  /** The path parameter is a session id (checked: 1002 when unknown). */
  sessionParam?: boolean;
  handle(call: Call): void | Promise<void>;
}

const ROUTE_TABLE: RouteDef[] = [
  {
    method: "POST",
    pattern: /^\/api\/auth\/anonymous-token$/,
    route: "anonymous-token",
    auth: false,
    handle: ({ ctx, req, res }) => handleAnonymousToken(ctx, req, res),
  },
  {
    method: "POST",
    pattern: /^\/api\/tasks\/me\/with-session\/nemo_agent$/,
    route: "create-session",
    auth: true,
    handle: handleCreateSession,
  },
  {
    method: "POST",
    pattern: /^\/run_sse$/,
    route: "run_sse",
    auth: true,
    handle: handleRunSse,
  },
  {
    method: "POST",
    pattern: /^\/api\/upload-video\/nemo_agent\/me\/([^/]+)$/,
    route: "upload",
    auth: true,
    sessionParam: true,
    handle: handleUpload,
  },
  {
    method: "GET",
    pattern: /^\/api\/credits\/balance\/simple$/,
    route: "credits",
    auth: true,
    handle: ({ res, account }) => handleCredits(res, account),
  },
  {
    method: "GET",
    pattern: /^\/api\/state\/nemo_agent\/me\/([^/]+)\/latest$/,
    route: "state",
    auth: true,
    sessionParam: true,
    handle: ({ res, session }) => handleState(res, session),
  },
  {
    method: "POST",
    pattern: /^\/api\/render\/proxy\/lambda$/,
    route: "render-start",
    auth: true,
    handle: handleRenderStart,
  },
  {
    method: "GET",
    pattern: /^\/api\/render\/proxy\/lambda\/([^/]+)$/,
    route: "render-status",
    auth: true,
    handle: handleRenderStatus,
  },
  {
    method: "POST",
    pattern: /^\/api\/render\/proxy\/lambda\/([^/]+)\/cancel$/,
    route: "render-cancel",
    auth: true,
    handle: handleRenderCancel,
  },
  {
    method: "GET",
    pattern: /^\/api\/render\/proxy\/([^/]+)\/download$/,
    route: "download",
    auth: true,
    handle: handleDownload,
  },
  {
    method: "POST",
    pattern: /^\/api\/auth\/claim-token$/,
    route: "claim-token",
    auth: true,
    handle: handleClaimToken,
  },
  {
    method: "GET",
    pattern: /^\/files\/([^/]+)$/,
    auth: false,
    handle: ({ req, res, param }) => handleFile(req, res, param),
  },
  {
    method: "GET",
    pattern: /^\/workspace\/claim\/?$/,
    auth: false,
    handle: ({ ctx, res, query }) => handleClaimPage(ctx, res, query),
  },
  {
    method: "GET",
    pattern: /^\/register\/?$/,
    auth: false,
    handle: ({ ctx, res, query }) => handleRegisterPage(ctx, res, query),
  },
];

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchRoute(
  method: string,
  path: string,
): { def: RouteDef; param: string } | "wrong-method" | undefined {
  let pathMatched = false;
  for (const def of ROUTE_TABLE) {
    const match = def.pattern.exec(path);
    if (!match) continue;
    const allowed = def.method === method || (def.method === "GET" && method === "HEAD");
    if (allowed) return { def, param: decode(match[1] ?? "") };
    pathMatched = true;
  }
  return pathMatched ? "wrong-method" : undefined;
}

async function dispatch(
  ctx: SimContext,
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://simulator.invalid");
  const path = url.pathname;
  if (path.startsWith("/__sim/")) return handleControl(sim, req, res, path, url.searchParams);

  const matched = matchRoute(method, path);
  const record: RecordedRequest = {
    method,
    path,
    query: url.search.slice(1),
    headers: { ...req.headers },
    at: Date.now(),
  };
  if (typeof matched === "object" && matched.def.sessionParam) record.sessionId = matched.param;
  ctx.requests.push(record);

  if (!(await ctx.sleep(ctx.options.latencyMs))) {
    res.destroy();
    return;
  }
  if (matched === undefined) return sendHttpError(res, 404, `no route for ${method} ${path}`);
  if (matched === "wrong-method") return sendHttpError(res, 405, `method ${method} not allowed on ${path}`);
  const { def, param } = matched;

  const outage = ctx.outage.current;
  if (outage && def.route) {
    if (def.route === "run_sse") return refuseRunSse(ctx, req, res, record, outage.mode);
    return sendOutage(res, outage.mode);
  }
  let account: UserAccount | undefined;
  if (def.auth) {
    account = authenticate(ctx, req);
    if (!account) return sendAuthError(ctx, res);
    record.userId = account.id;
  }
  if (def.route && def.route !== "run_sse") {
    const slow = ctx.faults.take(def.route, isSlowAnswer);
    if (slow) holdAnswer(res, slow.ms, (ms) => ctx.sleep(ms));
    const fault = ctx.faults.take(def.route, isImmediate);
    if (fault) return sendFault(ctx, res, fault);
  }
  let session: Session | undefined;
  if (def.sessionParam) {
    session = account ? ctx.sessions.owned(param, account.id) : undefined;
    if (!session) return sendEnvelope(res, 1002, "session not found");
  }
  // Routes without auth or session never read those fields.
  await def.handle({
    ctx,
    req,
    res,
    record,
    param,
    query: url.searchParams,
    account: account!,
    session: session!,
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Starts a NemoVideo-compatible server (loopback, ephemeral port by default). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const ctx = new SimContext(resolveOptions(options));
  let sim: Simulator | undefined;
  const server = createServer((req, res) => {
    dispatch(ctx, sim!, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { code: 500, message: `simulator error: ${String(error)}`, data: null });
    });
  });
  await listen(server, ctx.options.port, ctx.options.host);
  const { port } = server.address() as AddressInfo;
  ctx.options.port = port;
  ctx.outage.attach({
    // Connection refused: nothing listens, and open (keep-alive) connections are dropped.
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    resume: async () => {
      if (!ctx.closed && !server.listening) await listen(server, port, ctx.options.host);
    },
  });
  const host = ctx.options.host.includes(":") ? `[${ctx.options.host}]` : ctx.options.host;
  ctx.url = ctx.options.publicUrl.replace(/\/$/, "") || `http://${host}:${port}`;
  sim = new SimulatorHandle(ctx, server);
  return sim;
}
