import { failureCode, failureFields } from "../../core/conversation/failure-code.js";
import { buttons } from "../../core/conversation/replies.js";
import { text } from "../../core/conversation/texts.js";
import type { TurnDeps } from "./turn-deps.js";
import { DONE, type TurnOutcome, type TurnRun } from "./turn-run.js";

type WaitParts = Pick<TurnDeps, "breaker" | "waitNotice"> & {
  timings: Pick<TurnDeps["timings"], "backendWaitFirstMs" | "backendWaitMaxDelayMs" | "backendMaxWaitMs">;
};

/**
 * The backend cannot be reached and nothing was sent: the turn waits with backoff, keeping its place at
 * the head of its thread's line (what comes after it in the thread waits too, in order). The thread is
 * told once; after `backendMaxWaitMs` the message fails with Retry.
 */
export async function waitForBackend(parts: WaitParts, run: TurnRun, error: unknown): Promise<TurnOutcome> {
  const { inboundId, refKey } = run.message;
  const lang = run.lang;
  const { timings, breaker, waitNotice } = parts;
  // What the user reads carries the cause's short code (the log line of the wait has it too).
  const coded = (message: string) =>
    error === undefined ? message : text(lang, "error_with_code", { message, code: failureCode(error) });
  const failure = error === undefined ? { failure: "E-UNAVAILABLE" } : failureFields(error);
  const since = run.input.record.backendWaitSince ?? Date.now();
  const waited = Date.now() - since;
  breaker.waitsTotal.inc();
  if (waited >= timings.backendMaxWaitMs) {
    run.log.warn({ waitedMs: waited, ...failure }, "turn-backend-wait-gave-up");
    await run.progress.finish({
      text: coded(
        text(lang, "backend_unreachable_gave_up", { minutes: Math.max(1, Math.round(waited / 60_000)) }),
      ),
      tone: "error",
      actions: buttons(lang, ["retry"], inboundId),
    });
    return DONE;
  }
  const attempt = run.input.record.backendWaitAttempt ?? 0;
  const delay = Math.min(timings.backendWaitFirstMs * 2 ** attempt, timings.backendWaitMaxDelayMs);
  if (await waitNotice.firstTime(refKey, timings.backendMaxWaitMs))
    await run.progress.finish({ progress: coded(text(lang, "backend_unreachable_queued")) });
  run.log.warn({ attempt, delayMs: delay, ...failure }, "turn-waiting-for-backend");
  return run.waitFor(delay, { backendWaitSince: since, backendWaitAttempt: attempt + 1 });
}
