import type { IncomingMessage, ServerResponse } from "node:http";
import { isRoute, parseFault } from "./faults.js";
import { isRecord, readJson, sendJson } from "./http-util.js";
import { mergeOptions } from "./options.js";
import type { Simulator } from "./types.js";

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
  const times = body.times ?? 1;
  if (typeof times !== "number" || !Number.isInteger(times) || times < 1) {
    return bad(res, "times must be a positive integer");
  }
  sim.inject(body.route, fault, times);
  sendJson(res, 200, { ok: true });
}

/**
 * `/__sim/*`: drive the simulator from another process. Not recorded, no latency, no auth.
 * GET requests | run-sse-count?session= | sessions | state?session= | options;
 * POST inject {route, fault, times} | options {knobs} | expire-tokens | drop-session {sessionId} | credits {available}.
 */
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
      return sendJson(res, 200, { sessionId, count: sim.runSseCount(sessionId) });
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
    case "POST credits": {
      const body = await readObject(req, res);
      if (!body) return;
      if (typeof body.available !== "number" || !Number.isFinite(body.available)) {
        return bad(res, "available must be a number");
      }
      sim.setCredits(body.available);
      return sendJson(res, 200, { ok: true });
    }
    default:
      return bad(res, `unknown control endpoint ${action}`, 404);
  }
}
