import type { ServerResponse } from "node:http";
import { isRecord, sendJson } from "./http-util.js";
import { type Fault, ROUTES, type Route } from "./types.js";

export type ImmediateFault = Extract<Fault, { kind: "status" | "code" }>;
export type StreamFault = Extract<Fault, { kind: "disconnect" | "heartbeats-only" | "malformed" | "pause" }>;

export function isImmediate(fault: Fault): fault is ImmediateFault {
  return fault.kind === "status" || fault.kind === "code";
}

export function isStreamFault(fault: Fault): fault is StreamFault {
  return (
    fault.kind === "disconnect" ||
    fault.kind === "heartbeats-only" ||
    fault.kind === "malformed" ||
    fault.kind === "pause"
  );
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

/** Answers a request with an injected status or code fault (after its delay, when it has one). */
export async function sendFault(
  res: ServerResponse,
  fault: ImmediateFault,
  sleep: (ms: number) => Promise<boolean>,
): Promise<void> {
  if (fault.kind === "status" && fault.delayMs) await sleep(fault.delayMs);
  if (res.headersSent || res.destroyed) return;
  if (fault.kind === "status" && fault.html !== undefined) {
    res.writeHead(fault.status, { "Content-Type": "text/html; charset=utf-8" });
    res.end(fault.html);
    return;
  }
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
      if (value.html !== undefined && typeof value.html !== "string") return "html must be a string";
      if (value.delayMs !== undefined && !nonNegativeInteger(value.delayMs)) {
        return "delayMs must be a non-negative integer";
      }
      return {
        kind: "status",
        status: value.status,
        ...(value.body === undefined ? {} : { body: value.body }),
        ...(typeof value.html === "string" ? { html: value.html } : {}),
        ...(typeof value.delayMs === "number" ? { delayMs: value.delayMs } : {}),
      };
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
    case "pause":
      if (!nonNegativeInteger(value.afterEvents) || !nonNegativeInteger(value.ms)) {
        return "afterEvents and ms must be non-negative integers";
      }
      return { kind: "pause", afterEvents: value.afterEvents, ms: value.ms };
    case "malformed":
      if (!nonNegativeInteger(value.count)) return "count must be a non-negative integer";
      return { kind: "malformed", count: value.count };
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
