import type { ServerResponse } from "node:http";
import { uuid } from "./ids.js";
import type { Dialect } from "./types.js";

export interface SseStreamOptions {
  dialect: Dialect;
  chunkText: boolean;
  /** Destroy the socket after this many payload events (keep-alives and malformed lines do not count). */
  disconnectAfter?: number;
  /** Malformed data lines to slip in, one before each payload event (the rest at the end). */
  malformed?: number;
  /** After this many payload events, hold what follows for `ms` (keep-alives only meanwhile). */
  pause?: { afterEvents: number; ms: number };
  /** Keep-alive cadence during a pause. */
  heartbeatIntervalMs?: number;
}

const MALFORMED_LINES = [
  "{not json",
  '{"type":"mystery","value":42}',
  "[1,2,3]",
  '{"content":"not an object"}',
  '"just a string"',
];

/** Splits text into about `pieces` word-aligned chunks whose concatenation is the text. */
export function splitChunks(text: string, pieces = 3): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  if (words.length < 2) return [text];
  const size = Math.ceil(words.length / pieces);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += size) chunks.push(words.slice(i, i + size).join(""));
  const lead = /^\s*/.exec(text)?.[0] ?? "";
  if (lead && chunks[0] !== undefined) chunks[0] = lead + chunks[0];
  return chunks;
}

/** One `/run_sse` response: writes events in the configured dialect, keep-alives, and injected faults. */
export class SseStream {
  /** Resolves when the response is finished or the connection is gone. */
  readonly closed: Promise<void>;
  private gone = false;
  private events = 0;
  private malformedLeft: number;
  private malformedIndex = 0;
  private keepAliveIndex = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly invocationId = `e-${uuid()}`;
  /** Output held back during a pause (undefined when not paused); `endHeld`: end once released. */
  private held: string[] | undefined;
  private endHeld = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {
    this.malformedLeft = options.malformed ?? 0;
    this.closed = new Promise((resolve) => {
      res.once("close", () => {
        this.gone = true;
        this.stopHeartbeats();
        resolve();
      });
    });
  }

  /** Still writable: the client is connected and the stream was not ended. */
  get alive(): boolean {
    return !this.gone && !this.res.destroyed && !this.res.writableEnded;
  }

  start(): void {
    this.res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.res.flushHeaders();
    if (this.options.disconnectAfter === 0) this.kill();
  }

  text(text: string): void {
    const { dialect, chunkText } = this.options;
    const chunks = chunkText ? splitChunks(text) : [text];
    if (dialect === "typed") {
      for (const chunk of chunks) this.event({ type: "text", content: chunk });
      return;
    }
    if (chunks.length > 1) for (const chunk of chunks) this.event(this.agentEvent({ text: chunk }, true));
    this.event(this.agentEvent({ text }, false));
  }

  toolCall(name: string, args: Record<string, unknown>): void {
    this.event(
      this.options.dialect === "typed"
        ? { type: "tool_call", name, args }
        : this.agentEvent({ functionCall: { name, args } }, false),
    );
  }

  toolResult(name: string, result: Record<string, unknown>): void {
    this.event(
      this.options.dialect === "typed"
        ? { type: "tool_result", name, result }
        : this.agentEvent({ functionResponse: { name, response: result } }, false),
    );
  }

  /** One keep-alive, rotating: comment line, empty data, and (typed dialect) a heartbeat event. */
  keepAlive(): void {
    const forms = this.options.dialect === "typed" ? 3 : 2;
    const form = this.keepAliveIndex++ % forms;
    if (form === 0) this.write(": ping\n\n");
    else if (form === 1) this.write("data:\n\n");
    else this.write(`data: ${JSON.stringify({ type: "heartbeat" })}\n\n`);
  }

  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    if (intervalMs <= 0 || !this.alive) return;
    this.heartbeat = setInterval(() => this.keepAlive(), intervalMs);
  }

  stopHeartbeats(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Ends the stream normally (what is left of the malformed lines goes first). */
  end(): void {
    if (this.held) {
      this.endHeld = true;
      return;
    }
    this.stopHeartbeats();
    while (this.malformedLeft > 0 && this.alive) this.writeMalformed();
    if (this.alive) this.res.end();
  }

  /** Drops the connection without ending the stream (once what was written has been flushed). */
  kill(): void {
    this.stopHeartbeats();
    if (this.gone) return;
    this.gone = true;
    const socket = this.res.socket;
    if (socket) socket.end(() => socket.destroy());
    else this.res.destroy();
  }

  private agentEvent(part: Record<string, unknown>, partial: boolean): Record<string, unknown> {
    return {
      content: { role: "model", parts: [part] },
      author: "nemo_agent",
      partial,
      invocationId: this.invocationId,
      id: uuid(),
      timestamp: Date.now() / 1000,
    };
  }

  private event(payload: unknown): void {
    if (!this.alive) return;
    if (this.malformedLeft > 0) this.writeMalformed();
    this.write(`data: ${JSON.stringify(payload)}\n\n`);
    this.events += 1;
    if (this.options.pause?.afterEvents === this.events) this.hold(this.options.pause.ms);
    const limit = this.options.disconnectAfter;
    if (limit !== undefined && this.events >= limit) this.kill();
  }

  private writeMalformed(): void {
    const line = MALFORMED_LINES[this.malformedIndex++ % MALFORMED_LINES.length];
    this.malformedLeft -= 1;
    this.write(`data: ${line}\n\n`);
  }

  private hold(ms: number): void {
    this.held = [];
    const keepAlive = setInterval(
      () => this.alive && this.res.write(": paused\n\n"),
      this.options.heartbeatIntervalMs ?? 50,
    );
    setTimeout(() => {
      clearInterval(keepAlive);
      const held = this.held ?? [];
      this.held = undefined;
      for (const text of held) this.write(text);
      if (this.endHeld) this.end();
    }, ms).unref();
  }

  private write(text: string): void {
    if (this.held) this.held.push(text);
    else if (this.alive) this.res.write(text);
  }
}
