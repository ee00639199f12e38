import type { ServerResponse } from "node:http";
import { isRecord } from "./http-util.js";
import type { Fault, Route } from "./types.js";

/** Faults that answer instead of the route (the request is refused, not processed). */
export type ImmediateFault = Extract<Fault, { kind: "status" | "code" | "html" | "timeout" | "reset" }>;

const IMMEDIATE: ReadonlySet<Fault["kind"]> = new Set(["status", "code", "html", "timeout", "reset"]);
export type StreamFault = Extract<Fault, { kind: "disconnect" | "heartbeats-only" | "malformed" | "pause" }>;

export function isImmediate(fault: Fault): fault is ImmediateFault {
  return IMMEDIATE.has(fault.kind);
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

  /** `times` may be `Infinity`: the fault stays until {@link clear}. */
  inject(route: Route, fault: Fault, times = 1): void {
    if (!(times >= 1)) return;
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

  /** Drops the pending faults of one route, or of all. */
  clear(route?: Route): void {
    if (route) this.queues.delete(route);
    else this.queues.clear();
  }
}

function nonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isHttpStatus(value: unknown): value is number {
  return nonNegativeInteger(value) && value >= 100 && value <= 599;
}

/** Validates a fault from JSON (control endpoint); returns it or an error message. */
export function parseFault(value: unknown): Fault | string {
  if (!isRecord(value)) return "fault must be an object";
  switch (value.kind) {
    case "status":
      if (!isHttpStatus(value.status)) return "status must be an HTTP status";
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
    case "slow-answer":
      if (!nonNegativeInteger(value.ms)) return "ms must be a non-negative integer";
      return { kind: "slow-answer", ms: value.ms };
    case "render-fail":
      return typeof value.error === "string"
        ? { kind: "render-fail", error: value.error }
        : { kind: "render-fail" };
    case "html": {
      if (value.status !== undefined && !isHttpStatus(value.status)) return "status must be an HTTP status";
      if (value.body !== undefined && typeof value.body !== "string") return "body must be a string";
      const fault: Fault = { kind: "html" };
      if (value.status !== undefined) fault.status = value.status;
      if (value.body !== undefined) fault.body = value.body;
      return fault;
    }
    case "timeout": {
      if (!nonNegativeInteger(value.afterMs)) return "afterMs must be a non-negative integer";
      if (value.status !== undefined && !isHttpStatus(value.status)) return "status must be an HTTP status";
      return value.status === undefined
        ? { kind: "timeout", afterMs: value.afterMs }
        : { kind: "timeout", afterMs: value.afterMs, status: value.status };
    }
    case "reset":
      return { kind: "reset" };
    default:
      return "unknown fault kind";
  }
}

const ROUTES: readonly Route[] = [
  "anonymous-token",
  "create-session",
  "run_sse",
  "upload",
  "credits",
  "state",
  "render-start",
  "render-status",
  "render-cancel",
  "download",
  "claim-token",
];

export function isRoute(value: unknown): value is Route {
  return typeof value === "string" && (ROUTES as readonly string[]).includes(value);
}
