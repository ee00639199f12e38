import type { ServerResponse } from "node:http";
import { isRecord, sendJson } from "./http-util.js";
import { type Fault, ROUTES, type Route } from "./types.js";

export type ImmediateFault = Extract<Fault, { kind: "status" | "code" }>;
export type StreamFault = Extract<Fault, { kind: "disconnect" | "heartbeats-only" | "malformed" }>;

export function isImmediate(fault: Fault): fault is ImmediateFault {
  return fault.kind === "status" || fault.kind === "code";
}

export type SlowAnswerFault = Extract<Fault, { kind: "slow-answer" }>;

export function isSlowAnswer(fault: Fault): fault is SlowAnswerFault {
  return fault.kind === "slow-answer";
}

/** Holds back whatever the handler answers on `res` for `ms` (the handler's effects happen at once). */
export function holdAnswer(res: ServerResponse, ms: number, sleep: (ms: number) => Promise<boolean>): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    void sleep(ms).then(() => end(...args));
    return res;
  }) as typeof res.end;
}

export function isStreamFault(fault: Fault): fault is StreamFault {
  return fault.kind === "disconnect" || fault.kind === "heartbeats-only" || fault.kind === "malformed";
}

interface Pending {
  fault: Fault;
  remaining: number;
}

/** Faults waiting for the next calls of each route. */
export class FaultQueue {
  private readonly queues = new Map<Route, Pending[]>();

  inject(route: Route, fault: Fault, times = 1): void {
    if (times < 1) return;
    const queue = this.queues.get(route) ?? [];
    queue.push({ fault, remaining: Math.floor(times) });
    this.queues.set(route, queue);
  }

  /** Takes one use of the oldest fault of `route` that `accept` matches. */
  take<F extends Fault>(route: Route, accept: (fault: Fault) => fault is F): F | undefined {
    const queue = this.queues.get(route);
    if (!queue) return undefined;
    const index = queue.findIndex((pending) => accept(pending.fault));
    const pending = queue[index];
    if (!pending || !accept(pending.fault)) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) queue.splice(index, 1);
    return pending.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}

const CODE_MESSAGES: Record<number, string> = {
  1001: "token invalid or expired",
  1002: "session not found",
  2001: "insufficient credits",
  4001: "unsupported file type",
  4002: "file too large",
};

/** Answers a request with an injected status or code fault. */
export function sendFault(res: ServerResponse, fault: ImmediateFault): void {
  if (res.headersSent || res.destroyed) return;
  if (fault.kind === "code") {
    sendJson(res, 200, {
      code: fault.code,
      message: fault.message ?? CODE_MESSAGES[fault.code] ?? "error",
      data: fault.data ?? null,
    });
    return;
  }
  if (fault.body === undefined) {
    res.writeHead(fault.status, { "Content-Length": 0 });
    res.end();
    return;
  }
  sendJson(res, fault.status, fault.body);
}

function nonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Validates a fault from JSON (control endpoint); returns it or an error message. */
export function parseFault(value: unknown): Fault | string {
  if (!isRecord(value)) return "fault must be an object";
  switch (value.kind) {
    case "status":
      if (!nonNegativeInteger(value.status) || value.status < 100 || value.status > 599) {
        return "status must be an HTTP status";
      }
      return value.body === undefined
        ? { kind: "status", status: value.status }
        : { kind: "status", status: value.status, body: value.body };
    case "code": {
      if (!nonNegativeInteger(value.code)) return "code must be an integer";
      const fault: Fault = { kind: "code", code: value.code };
      if (typeof value.message === "string") fault.message = value.message;
      if (value.data !== undefined) fault.data = value.data;
      return fault;
    }
    case "disconnect":
      if (!nonNegativeInteger(value.afterEvents)) return "afterEvents must be a non-negative integer";
      return { kind: "disconnect", afterEvents: value.afterEvents };
    case "heartbeats-only":
      return { kind: "heartbeats-only" };
    case "malformed":
      if (!nonNegativeInteger(value.count)) return "count must be a non-negative integer";
      return { kind: "malformed", count: value.count };
    case "slow-answer":
      if (!nonNegativeInteger(value.ms)) return "ms must be a non-negative integer";
      return { kind: "slow-answer", ms: value.ms };
    case "render-fail":
      return typeof value.error === "string"
        ? { kind: "render-fail", error: value.error }
        : { kind: "render-fail" };
    default:
      return "unknown fault kind";
  }
}

export function isRoute(value: unknown): value is Route {
  return typeof value === "string" && (ROUTES as readonly string[]).includes(value);
}
