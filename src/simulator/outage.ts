import type { ServerResponse } from "node:http";
import { proxyErrorPage, resetConnection, sendHtml, sendJson } from "./http-util.js";
import type { OutageInfo, OutageMode } from "./types.js";

export const OUTAGE_MODES: readonly OutageMode[] = ["reset", "status", "html", "refuse"];

/** Stops and resumes accepting connections (for the "refuse" mode). */
export interface Listener {
  /** Resolves once every open connection is gone. */
  stop(): Promise<void>;
  resume(): Promise<void>;
}

/** "The backend is down": every API route refuses until a deadline or until ended. */
export class Outage {
  private info: OutageInfo | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listener: Listener | undefined;

  attach(listener: Listener): void {
    this.listener = listener;
  }

  get current(): OutageInfo | undefined {
    return this.info && { ...this.info };
  }

  /**
   * Starts (or replaces) the outage, in force when this returns (the promise waits for the open connections
   * to be dropped, or for listening again when a "refuse" outage is replaced); `forMs` undefined = until
   * {@link end}.
   */
  start(mode: OutageMode, forMs?: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const wasRefusing = this.info?.mode === "refuse";
    this.info = forMs === undefined ? { mode } : { mode, until: Date.now() + forMs };
    if (forMs !== undefined) {
      this.timer = setTimeout(() => void this.end().catch(() => undefined), forMs);
      this.timer.unref();
    }
    if (mode === "refuse" && !wasRefusing) return this.listener?.stop() ?? Promise.resolve();
    if (mode !== "refuse" && wasRefusing) return this.listener?.resume() ?? Promise.resolve();
    return Promise.resolve();
  }

  async end(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ended = this.info;
    this.info = undefined;
    if (ended?.mode === "refuse") await this.listener?.resume();
  }
}

/** How one request is refused during an outage (the "refuse" mode never gets this far). */
export function sendOutage(res: ServerResponse, mode: OutageMode): void {
  if (mode === "status") {
    sendJson(res, 503, { code: 503, message: "service unavailable", data: null });
  } else if (mode === "html") {
    sendHtml(res, 502, proxyErrorPage(502));
  } else {
    resetConnection(res);
  }
}
