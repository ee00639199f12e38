/** Why the process stops: a signal, the console closing, or a start-up that failed. */
export class StopRequested extends Error {
  constructor(readonly reason: string) {
    super(`stop requested (${reason})`);
    this.name = "StopRequested";
  }
}

export interface ProcessLifecycleOptions {
  /** A line for the person at the terminal (written to stderr by the CLI). */
  notice?: (line: string) => void;
  /** Ends the process; tests replace it. */
  exit?: (code: number) => void;
}

/**
 * A step of the immediate stop. Synchronous on purpose: it signals (cancel jobs, SIGTERM the embedded
 * Redis, drop connections) and the process exits in the same tick, so nothing can keep it waiting.
 */
type HardStopStep = () => void;

/** Exit codes of an immediate stop, as a shell reports a process ended by that signal. */
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * How this process stops. Installed before anything starts, so a Ctrl-C during start-up is handled too.
 * The first SIGINT/SIGTERM (or `requestStop`) asks for a graceful stop: `signal` aborts, running work
 * gets its grace, bounded by `limitGracefulStop`. A signal while stopping means "now": the hard-stop
 * steps run (cancel jobs, stop the embedded Redis, drop connections; last added first) and the process
 * exits 130 (SIGINT) or 143 (SIGTERM) at once.
 */
export class ProcessLifecycle {
  private readonly controller = new AbortController();
  private readonly hardStops: HardStopStep[] = [];
  private gracefulLimitMs = 30_000;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => this.signalled(signal);

  private constructor(private readonly options: ProcessLifecycleOptions) {}

  /** Creates the lifecycle and takes over SIGINT and SIGTERM. */
  static install(options: ProcessLifecycleOptions = {}): ProcessLifecycle {
    const lifecycle = new ProcessLifecycle(options);
    process.on("SIGINT", lifecycle.onSignal);
    process.on("SIGTERM", lifecycle.onSignal);
    return lifecycle;
  }

  /** Aborted (with a `StopRequested` reason) as soon as a stop is asked for. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  /** Resolves with the reason once a stop is asked for. */
  stopRequested(): Promise<string> {
    const reasonOf = () => (this.signal.reason as StopRequested).reason;
    if (this.stopping) return Promise.resolve(reasonOf());
    return new Promise((resolve) =>
      this.signal.addEventListener("abort", () => resolve(reasonOf()), { once: true }),
    );
  }

  /** How long a graceful stop may take before the process stops immediately. */
  limitGracefulStop(ms: number): void {
    this.gracefulLimitMs = ms;
  }

  /**
   * Asks for a graceful stop (the first signal does this); later requests change nothing. `announce`
   * tells the person at the terminal how long it may take and how to stop at once.
   */
  requestStop(reason: string, announce = false): void {
    if (this.stopping) return;
    if (announce) {
      this.options.notice?.(
        `stopping (${reason}): up to ${Math.round(this.gracefulLimitMs / 1000)} s while running work finishes; ` +
          `${reason === "SIGTERM" ? "send SIGTERM" : "press Ctrl-C"} again to stop now`,
      );
    }
    this.controller.abort(new StopRequested(reason));
    this.graceTimer = setTimeout(() => this.hardStop(reason), this.gracefulLimitMs);
    this.graceTimer.unref();
  }

  /** Adds a step of the immediate stop; the last one added runs first. Returns its removal. */
  onHardStop(step: HardStopStep): () => void {
    this.hardStops.push(step);
    return () => {
      const index = this.hardStops.indexOf(step);
      if (index >= 0) this.hardStops.splice(index, 1);
    };
  }

  /** Gives SIGINT and SIGTERM back to Node's defaults. */
  dispose(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    clearTimeout(this.graceTimer);
  }

  private signalled(signal: NodeJS.Signals): void {
    if (this.stopping) this.hardStop(signal);
    else this.requestStop(signal, true);
  }

  private hardStop(reason: string): void {
    this.options.notice?.("stopping now: running work is left for recovery at the next start");
    for (const step of [...this.hardStops].reverse()) {
      try {
        step();
      } catch {
        // The process ends anyway.
      }
    }
    this.exit(exitCode(reason));
  }

  private exit(code: number): void {
    (this.options.exit ?? process.exit)(code);
  }
}

function exitCode(reason: string): number {
  return SIGNAL_EXIT_CODES[reason] ?? 1;
}
