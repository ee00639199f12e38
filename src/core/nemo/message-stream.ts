import { StringDecoder } from "node:string_decoder";
import { createParser, type EventSourceParser } from "eventsource-parser";
import type { Logger } from "../logger.js";
import {
  NemoAbortedError,
  NemoHeartbeatTimeoutError,
  NemoStreamDroppedError,
  NemoStreamTimeoutError,
} from "./errors.js";
import type { Opened } from "./http.js";
import { SseEventNormalizer } from "./sse-events.js";
import type { NemoEvent } from "./types.js";

export interface MessageStreamOptions {
  signal?: AbortSignal | undefined;
  /** Hard cap on the whole stream (15 minutes in production). */
  hardCapMs: number;
  /** Keep-alives only (or nothing) for this long counts as stuck (10 minutes in production). */
  heartbeatTimeoutMs: number;
  /**
   * Largest single event (its `data`, in characters) the reader buffers. A bigger event is skipped and
   * counted in `stats.oversized`; the stream goes on with the next event (no answer event is that big).
   */
  maxEventBytes: number;
}

export interface MessageStreamStats {
  events: number;
  heartbeats: number;
  /** Payloads skipped because they were not valid JSON or of no known shape. */
  malformed: number;
  /** Events skipped because they were larger than `maxEventBytes`. */
  oversized: number;
}

type StopReason = "caller" | "cap" | "heartbeat";

/**
 * The events of one `/run_sse` call. Iterate once. The request leaves when iteration starts and
 * is never repeated here: once it may have reached the backend, failures surface as typed errors.
 */
export class MessageStream implements AsyncIterable<NemoEvent> {
  readonly stats: MessageStreamStats = { events: 0, heartbeats: 0, malformed: 0, oversized: 0 };
  private started = false;

  constructor(
    private readonly open: (signal: AbortSignal) => Promise<Opened>,
    private readonly onJson: (opened: Extract<Opened, { kind: "json" }>) => never | undefined,
    private readonly options: MessageStreamOptions,
    private readonly logger: Logger,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<NemoEvent> {
    if (this.started) throw new Error("a MessageStream can be iterated only once");
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<NemoEvent, void, undefined> {
    const controller = new AbortController();
    let reason: StopReason | undefined;
    const stop = (why: StopReason) => {
      reason ??= why;
      controller.abort();
    };
    const onCallerAbort = () => stop("caller");
    if (this.options.signal?.aborted) throw new NemoAbortedError("aborted before sending");
    this.options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const watchdog = new StreamWatchdog(this.options, stop);
    let body: Extract<Opened, { kind: "stream" }>["body"] | undefined;
    try {
      const opened = await this.open(controller.signal);
      if (opened.kind === "json") {
        this.onJson(opened);
        return;
      }
      body = opened.body;
      const pending: NemoEvent[] = [];
      const overflow = { hit: false };
      const parser = this.eventParser(pending, overflow);
      // Not a streaming TextDecoder: each holds an ICU converter (native memory, slower decoding).
      const decoder = new StringDecoder("utf8");
      const skipper = new EventSkipper();
      for await (const chunk of body) {
        let textChunk = decoder.write(chunk as Buffer);
        if (skipper.active) {
          textChunk = skipper.rest(textChunk);
          if (skipper.active) continue;
        }
        parser.feed(textChunk);
        if (overflow.hit) {
          // The parser dropped what it held; the rest of that event is discarded up to its blank line.
          overflow.hit = false;
          parser.reset({ consume: false });
          skipper.start(textChunk);
          this.skipOversized();
        }
        while (pending.length > 0) {
          const event = pending.shift()!;
          if (event.kind === "heartbeat") {
            this.stats.heartbeats++;
          } else {
            this.stats.events++;
            watchdog.active();
          }
          yield event;
        }
      }
    } catch (error) {
      throw this.stopError(error, reason, body !== undefined);
    } finally {
      watchdog.stop();
      this.options.signal?.removeEventListener("abort", onCallerAbort);
      body?.destroy();
    }
  }

  /** Parses SSE into `pending` events; `overflow.hit` is set when an event outgrew the buffer. */
  private eventParser(pending: NemoEvent[], overflow: { hit: boolean }): EventSourceParser {
    const normalizer = new SseEventNormalizer();
    const maxEvent = this.options.maxEventBytes;
    return createParser({
      maxBufferSize: maxEvent,
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded") overflow.hit = true;
      },
      onEvent: (message) => {
        if (message.data.length > maxEvent) return this.skipOversized();
        const events = normalizer.normalize(message.data);
        if (events === undefined) {
          this.stats.malformed++;
          this.logger.warn({ sample: message.data.slice(0, 120) }, "sse-malformed-event");
          return;
        }
        pending.push(...events);
      },
      onComment: () => pending.push({ kind: "heartbeat" }),
    });
  }

  private skipOversized(): void {
    this.stats.oversized++;
    this.logger.warn({ maxEventBytes: this.options.maxEventBytes }, "sse-oversized-event-skipped");
  }

  private stopError(error: unknown, reason: StopReason | undefined, streaming: boolean): unknown {
    switch (reason) {
      case "caller":
        return new NemoAbortedError("message stream aborted", { cause: error });
      case "cap":
        return new NemoStreamTimeoutError(`no end of stream after ${this.options.hardCapMs} ms`, {
          cause: error,
        });
      case "heartbeat":
        return new NemoHeartbeatTimeoutError(`only keep-alives for ${this.options.heartbeatTimeoutMs} ms`, {
          cause: error,
        });
      default:
        if (!streaming) return error;
        return new NemoStreamDroppedError("the stream broke before it ended", { cause: error });
    }
  }
}

/**
 * The stream's two deadlines — its hard cap, and keep-alives only (or nothing) for too long — on one
 * timer: an event only notes its time (no timer made and dropped per event of every open stream); when
 * the timer fires early because events came meanwhile, it is set again for the deadline that is due next.
 */
class StreamWatchdog {
  private readonly capAt: number;
  private lastEventAt: number;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly limits: Pick<MessageStreamOptions, "hardCapMs" | "heartbeatTimeoutMs">,
    private readonly stopped: (why: "cap" | "heartbeat") => void,
  ) {
    const now = Date.now();
    this.capAt = now + limits.hardCapMs;
    this.lastEventAt = now;
    this.timer = setTimeout(() => this.check(), Math.min(limits.hardCapMs, limits.heartbeatTimeoutMs));
  }

  /** An event (not a keep-alive) arrived. */
  active(): void {
    this.lastEventAt = Date.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private check(): void {
    const now = Date.now();
    const idleAt = this.lastEventAt + this.limits.heartbeatTimeoutMs;
    if (now >= this.capAt) this.stopped("cap");
    else if (now >= idleAt) this.stopped("heartbeat");
    else this.timer = setTimeout(() => this.check(), Math.min(this.capAt, idleAt) - now);
  }
}

/** Discards the rest of an oversized event: everything up to and including the blank line that ends it. */
class EventSkipper {
  active = false;
  /** The last characters seen, so a blank line split across chunks is still found. */
  private tail = "";

  start(seen: string): void {
    this.active = true;
    this.tail = seen.slice(-2);
  }

  /** What follows the end of the skipped event in `chunk` ("" while still inside it). */
  rest(chunk: string): string {
    const joined = this.tail + chunk;
    const end = /(?:\r\n|\r|\n)(?:\r\n|\n|\r)/.exec(joined);
    if (!end) {
      this.tail = joined.slice(-2);
      return "";
    }
    this.active = false;
    this.tail = "";
    return joined.slice(end.index + end[0].length);
  }
}
