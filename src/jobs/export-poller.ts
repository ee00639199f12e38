import { setMaxListeners } from "node:events";
import { type Exports, isFinalExportOutcome } from "../conversation/exports/exports.js";
import type { Logger } from "../core/logger.js";
import type { PendingExport } from "../store/export-store.js";

/** How many due exports one claim takes at most. */
const BATCH = 100;

/**
 * How an export ended (`completed`, `failed`, `cancelled`, `timed-out`, `error`, `no-draft`, …), the
 * last poll's seconds, and the seconds since it was handed over (since its submission for records of
 * older versions; undefined when neither is known).
 */
export type ExportFinishedListener = (
  outcome: string,
  seconds: { run: number; total: number | undefined },
) => void;

/**
 * One per worker process: claims due exports in batches (`Exports.claim`) and polls each
 * (`Exports.poll`), at most `concurrency` at a time. Sleeps until the next export is due (at most
 * `intervalMs`), or until woken by an export handed over in this process. Nothing runs as a job while
 * an export waits, so no worker slot is held. A poller that dies leaves its claims to expire: another
 * process's poller takes them then.
 */
export class ExportPoller {
  private readonly inFlight = new Set<string>();
  private readonly abort = new AbortController();
  private stopped = false;
  private sleeping: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;
  private readonly finished: ExportFinishedListener[] = [];

  constructor(
    private readonly exports: Pick<Exports, "claim" | "poll">,
    private readonly options: { concurrency: number; intervalMs: number; logger: Logger },
  ) {
    // Every poll under way listens to this one signal (undici removes its listener when done).
    setMaxListeners(options.concurrency + 10, this.abort.signal);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Called when an export this poller polls ends (metrics record it: the poller is where it ends). */
  onFinished(listener: ExportFinishedListener): void {
    this.finished.push(listener);
  }

  /** An export was handed over (or a slot freed): claim now rather than at the next tick. */
  wake(): void {
    this.woken = true;
    this.sleeping?.();
  }

  /** Stops claiming; polls under way are aborted (their claims expire, another poller retakes them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const wait = await this.claimDue();
      if (wait === "again") continue;
      if (this.stopped) break;
      if (this.woken) {
        this.woken = false;
        continue;
      }
      await this.sleep(wait);
    }
  }

  /** Claims and starts what is due and fits; resolves to how long to sleep, or to claim again at once. */
  private async claimDue(): Promise<number | "again"> {
    let wait = this.options.intervalMs;
    const free = this.options.concurrency - this.inFlight.size;
    if (free <= 0) return wait;
    try {
      const limit = Math.min(free, BATCH);
      const { records, nextDue } = await this.exports.claim(limit);
      for (const record of records) this.startPoll(record);
      if (records.length === limit) return "again";
      if (nextDue !== undefined) wait = Math.min(wait, Math.max(0, nextDue - Date.now()));
    } catch (error) {
      this.options.logger.warn({ err: String(error) }, "export-claim-failed");
    }
    return wait;
  }

  private startPoll(record: PendingExport): void {
    // A claim that expired while this process still polls it: the running poll answers for it.
    if (this.inFlight.has(record.id)) return;
    this.inFlight.add(record.id);
    const startedAt = Date.now();
    void this.exports
      .poll(record, this.abort.signal)
      .then((outcome) => {
        if (isFinalExportOutcome(outcome)) this.report(outcome, record, startedAt);
      })
      .catch((error: unknown) => {
        if (!this.abort.signal.aborted)
          this.options.logger.error({ job: record.id, err: String(error) }, "export-poll-error");
      })
      .finally(() => {
        this.inFlight.delete(record.id);
        if (this.inFlight.size === this.options.concurrency - 1) this.wake();
      });
  }

  private report(outcome: string, record: PendingExport, startedAt: number): void {
    const now = Date.now();
    const since = record.createdAt ?? record.submittedAt;
    const seconds = {
      run: (now - startedAt) / 1000,
      total: since === undefined ? undefined : (now - since) / 1000,
    };
    for (const listener of this.finished) listener(outcome, seconds);
  }

  private async sleep(wait: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.sleeping = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.sleeping = undefined;
    this.woken = false;
  }
}
