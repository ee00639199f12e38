import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { TokenStore } from "./auth-tokens.js";
import { ClaimStore } from "./claim-store.js";
import { UserLedger } from "./credits.js";
import { FaultQueue } from "./faults.js";
import type { ResolvedOptions } from "./options.js";
import { Outage } from "./outage.js";
import { RenderStore } from "./render-store.js";
import { SessionStore } from "./sessions/state.js";
import type { RecordedRequest } from "./types.js";

/** Everything one simulator instance holds; handlers receive it. */
export class SimContext {
  url = "";
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultQueue();
  readonly tokens = new TokenStore();
  readonly users = new UserLedger();
  readonly sessions = new SessionStore();
  readonly renders = new RenderStore();
  readonly claims = new ClaimStore();
  readonly outage = new Outage();
  private readonly abort = new AbortController();

  constructor(public options: ResolvedOptions) {
    // Every simulated work step listens on this one shutdown signal (removed as each ends): many
    // concurrent streams are normal, not a listener leak.
    setMaxListeners(0, this.abort.signal);
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Aborted when the simulator closes. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Waits `ms` (a simulated latency or work time); false when the simulator closed meanwhile. */
  async sleep(ms: number): Promise<boolean> {
    if (this.closed) return false;
    if (ms <= 0) return true;
    try {
      await delay(ms, undefined, { signal: this.abort.signal });
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.abort.abort();
    // After the abort: a "refuse" outage ending now does not listen again.
    void this.outage.end().catch(() => undefined);
  }
}
