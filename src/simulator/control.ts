/**
 * `/__sim/*`: drive the simulator from another process. Not recorded, no latency, no auth, never affected
 * by faults or outages (except an outage in "refuse" mode: nothing listens then).
 * GET requests | run-sse-count?session= → {sessionId, count, accepted, refused} | sessions | state?session=
 *   | options | outage → {outage: {mode, until?} | null} | account?id=<token or user id> | claim?ct=
 * POST inject {route, fault, times: N | "always"} | clear-faults {route?} | options {knobs} | expire-tokens
 *   | drop-session {sessionId} | credits {available, account?} | outage {mode?, forMs?} | outage-end
 *   | accounts {token?, userId?, balance?} → {token, userId} | revoke-token {token}
 * Faults: status {status, body?} | code {code, message?, data?} | html {status?, body?} (default 502 page)
 *   | timeout {afterMs, status?} (default 504) | reset | disconnect {afterEvents} | heartbeats-only
 *   | malformed {count} | render-fail {error?}. Outage modes: reset (default) | status (503 JSON)
 *   | html (502 page) | refuse (stop listening).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isRoute, parseFault } from "./faults.js";
import { isRecord, readJson, sendJson } from "./http-util.js";
import { mergeOptions } from "./options.js";
import { OUTAGE_MODES } from "./outage.js";
import type { CreateAccountOptions, OutageMode, Simulator } from "./types.js";

function bad(res: ServerResponse, error: string, status = 400): undefined {
  sendJson(res, status, { ok: false, error });
  return undefined;
}

async function readObject(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  const body = await readJson(req);
  if (!body.ok) return bad(res, body.error);
  if (!isRecord(body.value)) return bad(res, "expected a JSON object");
  return body.value;
}

async function inject(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  if (!isRoute(body.route)) return bad(res, "unknown route");
  const fault = parseFault(body.fault);
  if (typeof fault === "string") return bad(res, fault);
  const times = body.times === "always" ? Number.POSITIVE_INFINITY : (body.times ?? 1);
  if (
    typeof times !== "number" ||
    !(Number.isInteger(times) || times === Number.POSITIVE_INFINITY) ||
    times < 1
  ) {
    return bad(res, 'times must be a positive integer or "always"');
  }
  sim.inject(body.route, fault, times);
  sendJson(res, 200, { ok: true });
}

async function clearFaults(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  if (body.route !== undefined && !isRoute(body.route)) return bad(res, "unknown route");
  sim.clearFaults(body.route);
  sendJson(res, 200, { ok: true });
}

function nonNegative(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

async function startOutage(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  const mode = body.mode ?? "reset";
  if (!OUTAGE_MODES.includes(mode as OutageMode))
    return bad(res, `mode must be one of ${OUTAGE_MODES.join(", ")}`);
  if (body.forMs !== undefined && !nonNegative(body.forMs))
    return bad(res, "forMs must be a non-negative number");
  // Answered (and flushed) before a "refuse" outage stops listening.
  sendJson(res, 200, { ok: true });
  if (!res.writableFinished) await new Promise((resolve) => res.once("finish", resolve));
  await sim.startOutage({
    mode: mode as OutageMode,
    ...(body.forMs === undefined ? {} : { forMs: body.forMs }),
  });
}

async function createAccount(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  const options: CreateAccountOptions = {};
  for (const key of ["token", "userId"] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") return bad(res, `${key} must be a non-empty string`);
    options[key] = value;
  }
  if (body.balance !== undefined) {
    if (typeof body.balance !== "number" || !Number.isFinite(body.balance))
      return bad(res, "balance must be a number");
    options.balance = body.balance;
  }
  try {
    return sendJson(res, 200, sim.createAccount(options));
  } catch (error) {
    return bad(res, error instanceof Error ? error.message : String(error), 409);
  }
}

async function revokeToken(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  if (typeof body.token !== "string") return bad(res, "token must be a string");
  return sim.revokeToken(body.token) ? sendJson(res, 200, { ok: true }) : bad(res, "unknown token", 404);
}

/** `{available}` for every account, or `{available, account}` (a token or a user id) for one. */
async function setCredits(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readObject(req, res);
  if (!body) return;
  if (typeof body.available !== "number" || !Number.isFinite(body.available)) {
    return bad(res, "available must be a number");
  }
  if (body.account === undefined) {
    sim.setCredits(body.available);
    return sendJson(res, 200, { ok: true });
  }
  if (typeof body.account !== "string") return bad(res, "account must be a token or a user id");
  return sim.setBalance(body.account, body.available)
    ? sendJson(res, 200, { ok: true })
    : bad(res, "unknown account", 404);
}

/** `/__sim/*`: see the list at the top of this file. */
export async function handleControl(
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const action = `${req.method ?? "GET"} ${path.slice("/__sim/".length)}`;
  switch (action) {
    case "GET requests":
      return sendJson(res, 200, sim.requests);
    case "GET run-sse-count": {
      const sessionId = query.get("session") ?? "";
      return sendJson(res, 200, {
        sessionId,
        count: sim.runSseCount(sessionId),
        ...sim.runSseCounts(sessionId),
      });
    }
    case "GET outage":
      return sendJson(res, 200, { outage: sim.outage() ?? null });
    case "GET account": {
      const account = sim.account(query.get("id") ?? "");
      return account ? sendJson(res, 200, account) : bad(res, "unknown account", 404);
    }
    case "GET claim": {
      const claim = sim.claim(query.get("ct") ?? "");
      return claim ? sendJson(res, 200, claim) : bad(res, "unknown or expired claim token", 404);
    }
    case "GET sessions":
      return sendJson(res, 200, { sessions: sim.sessions() });
    case "GET state": {
      const state = sim.state(query.get("session") ?? "");
      return state === undefined ? bad(res, "session not found", 404) : sendJson(res, 200, { state });
    }
    case "GET options":
      return sendJson(res, 200, sim.options);
    case "POST inject":
      return inject(sim, req, res);
    case "POST options": {
      const body = await readJson(req);
      if (!body.ok) return bad(res, body.error);
      const errors = mergeOptions(sim.options, body.value);
      return errors.length > 0 ? bad(res, errors.join("; ")) : sendJson(res, 200, sim.options);
    }
    case "POST expire-tokens":
      sim.expireTokens();
      return sendJson(res, 200, { ok: true });
    case "POST drop-session": {
      const body = await readObject(req, res);
      if (!body) return;
      if (typeof body.sessionId !== "string") return bad(res, "sessionId must be a string");
      sim.dropSession(body.sessionId);
      return sendJson(res, 200, { ok: true });
    }
    case "POST credits":
      return setCredits(sim, req, res);
    case "POST clear-faults":
      return clearFaults(sim, req, res);
    case "POST outage":
      return startOutage(sim, req, res);
    case "POST outage-end":
      await sim.endOutage();
      return sendJson(res, 200, { ok: true });
    case "POST accounts":
      return createAccount(sim, req, res);
    case "POST revoke-token":
      return revokeToken(sim, req, res);
    default:
      return bad(res, `unknown control endpoint ${action}`, 404);
  }
}
