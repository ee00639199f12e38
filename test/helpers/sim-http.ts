import { afterEach, expect } from "vitest";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.js";

/* HTTP helpers for the simulator's own tests: tokens, calls, SSE reading, state and track lookups. */

/** Small timings so every stream finishes in well under a second. */
export const FAST: SimulatorOptions = { generationMs: 60, editMs: 10, heartbeatIntervalMs: 10 };
export const ATTRIBUTION = {
  "x-skill-source": "sim-test",
  "x-skill-version": "0.0.0",
  "x-skill-platform": "console",
};

/** A `start(options)` for the test file: simulators with the {@link FAST} timings, closed after each test. */
export function useSimulators(): (options?: SimulatorOptions) => Promise<Simulator> {
  const running: Simulator[] = [];
  afterEach(async () => {
    for (const sim of running.splice(0)) await sim.close();
  });
  return async (options = {}) => {
    const sim = await startSimulator({ ...FAST, ...options });
    running.push(sim);
    return sim;
  };
}

/** A control endpoint (`/__sim/<path>`): GET, or POST with a JSON body. */
export function control(sim: Simulator, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.url}/__sim/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: assertions walk loosely typed JSON responses.
export type Json = Record<string, any>;

export async function tokenFor(sim: Simulator, clientId = "client-1"): Promise<Json> {
  const res = await fetch(`${sim.url}/api/auth/anonymous-token`, {
    method: "POST",
    headers: { "x-client-id": clientId },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Json;
  expect(body.code).toBe(0);
  return body.data as Json;
}

export function call(
  sim: Simulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...ATTRIBUTION,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export async function json(res: Response | Promise<Response>): Promise<Json> {
  return (await (await res).json()) as Json;
}

/** A token and a fresh session. */
export async function setup(
  sim: Simulator,
  language = "en",
): Promise<{ token: string; sid: string; userId: string; taskId: string }> {
  const { token, user_id } = await tokenFor(sim);
  const { sid, taskId } = await createSession(sim, token, language);
  return { token, sid, userId: user_id, taskId };
}

/** A new session of the token's account. */
export async function createSession(
  sim: Simulator,
  token: string,
  language = "en",
): Promise<{ sid: string; taskId: string }> {
  const created = await json(
    call(sim, token, "POST", "/api/tasks/me/with-session/nemo_agent", { task_name: "project", language }),
  );
  expect(created.code).toBe(0);
  return { sid: created.data.session_id, taskId: created.data.task_id };
}

export async function getState(sim: Simulator, token: string, sid: string): Promise<Json> {
  const body = await json(call(sim, token, "GET", `/api/state/nemo_agent/me/${sid}/latest`));
  expect(body.code).toBe(0);
  return body.data.state as Json;
}

export type SseItem = { kind: "comment"; text: string } | { kind: "data"; data: string };

export interface SseRead {
  status: number;
  contentType: string;
  items: SseItem[];
  /** The parsed JSON data events (keep-alives and invalid lines left out). */
  events: Json[];
  /** Set when the connection broke before the stream ended. */
  error?: unknown;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads an SSE response item by item; `onItem` may return true to stop reading (the client goes away). */
export async function readSse(
  res: Response,
  onItem?: (items: SseItem[]) => boolean | Promise<boolean>,
): Promise<SseRead> {
  const read: SseRead = {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    items: [],
    events: [],
  };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        for (const line of buffer.slice(0, end).split("\n")) {
          if (line.startsWith(":")) read.items.push({ kind: "comment", text: line.slice(1).trim() });
          else if (line.startsWith("data:"))
            read.items.push({ kind: "data", data: line.slice(5).replace(/^ /, "") });
        }
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (onItem && (await onItem(read.items))) {
          await reader.cancel();
          return finish(read);
        }
      }
    }
  } catch (error) {
    read.error = error;
  }
  return finish(read);
}

function finish(read: SseRead): SseRead {
  for (const item of read.items) {
    if (item.kind !== "data" || item.data === "") continue;
    const value = parseJson(item.data);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) read.events.push(value as Json);
  }
  return read;
}

export function runSse(
  sim: Simulator,
  token: string,
  sid: string,
  text: string,
  sessionId = sid,
): Promise<Response> {
  return call(
    sim,
    token,
    "POST",
    "/run_sse",
    { app_name: "nemo_agent", user_id: "me", session_id: sessionId, new_message: { parts: [{ text }] } },
    { accept: "text/event-stream" },
  );
}

export async function send(sim: Simulator, token: string, sid: string, text: string): Promise<SseRead> {
  const read = await readSse(await runSse(sim, token, sid, text));
  expect(read.status).toBe(200);
  expect(read.contentType).toContain("text/event-stream");
  expect(read.error).toBeUndefined();
  return read;
}

/** What the user would see: typed deltas joined, or the agent dialect's final (non-partial) texts. */
export function visibleText(events: Json[]): string {
  const typed = events.filter((event) => event.type === "text").map((event) => event.content as string);
  const agent = events
    .filter((event) => event.partial === false && typeof event.content?.parts?.[0]?.text === "string")
    .map((event) => event.content.parts[0].text as string);
  return [...typed, ...agent].join("");
}

export function toolNames(events: Json[]): string[] {
  return events.flatMap((event) => {
    if (event.type === "tool_call") return [event.name as string];
    const call = event.content?.parts?.[0]?.functionCall;
    return call ? [call.name as string] : [];
  });
}

export function trackTypes(state: Json): number[] {
  return ((state.draft?.t ?? []) as Json[]).map((track) => track.tt as number);
}

export function track(state: Json, tt: number): Json | undefined {
  return ((state.draft?.t ?? []) as Json[]).find((candidate) => candidate.tt === tt);
}

/** Polls until `check` returns a value, failing after a deadline. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
