import { setMaxListeners } from "node:events";
import type { RenderStore } from "../store/export-store.js";
import { pollRender } from "./export-processor.js";
import type { JobServices } from "./services.js";

/** How many due exports one claim takes at most. */
const BATCH = 100;

/**
 * One per worker process: claims due exports from `{nemo}:renders:due` in batches (render-store.ts) and
 * polls each (`pollRender`), at most `concurrency` at a time. Sleeps until the next export is due (at most
 * `renderPollMs`), or until woken by an export handed over in this process. Nothing runs as a job while
 * an export waits, so no worker slot is held. A poller that dies leaves its claims to expire: another
 * process's poller takes them then.
 */
export class RenderPoller {
  private readonly inFlight = new Set<string>();
  private readonly abort = new AbortController();
  private stopped = false;
  private sleeping: (() => void) | undefined;
  private woken = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly services: JobServices,
    private readonly renders: RenderStore,
    private readonly concurrency: number,
  ) {
    // Every poll under way listens to this one signal (undici removes its listener when done).
    setMaxListeners(concurrency + 10, this.abort.signal);
  }

  start(): void {
    this.loop ??= this.run();
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
    const { timings, logger } = this.services;
    while (!this.stopped) {
      let wait = timings.renderPollMs;
      const free = this.concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          const limit = Math.min(free, BATCH);
          const { records, nextDue } = await this.renders.claim({
            limit,
            minIntervalMs: timings.renderPollMs,
            maxIntervalMs: timings.renderPollMaxMs,
          });
          for (const record of records) {
            // A claim that expired while this process still polls it: the running poll answers for it.
            if (this.inFlight.has(record.id)) continue;
            this.inFlight.add(record.id);
            void pollRender(this.services, this.renders, record, this.abort.signal)
              .catch((error: unknown) => {
                if (!this.abort.signal.aborted)
                  logger.error({ job: record.id, err: String(error) }, "render-poll-error");
              })
              .finally(() => {
                this.inFlight.delete(record.id);
                if (this.inFlight.size === this.concurrency - 1) this.wake();
              });
          }
          if (records.length === limit) continue;
          if (nextDue !== undefined) wait = Math.min(wait, Math.max(0, nextDue - Date.now()));
        } catch (error) {
          logger.warn({ err: String(error) }, "render-claim-failed");
        }
      }
      if (this.stopped) break;
      if (this.woken) {
        this.woken = false;
        continue;
      }
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
}
