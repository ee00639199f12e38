import type { GenerationSettings } from "../../core/conversation/generation-settings.js";
import type { SentRecord } from "../../store/sent-marker.js";
import { threadCalls } from "../thread-account.js";
import { admit } from "./admit.js";
import { waitForBackend } from "./backend-wait.js";
import { recover } from "./recover.js";
import { reportFailure } from "./report.js";
import { streamTurn } from "./stream.js";
import type { TurnDeps } from "./turn-deps.js";
import { DONE, nemoCode, type TurnInput, type TurnOutcome, TurnRun } from "./turn-run.js";

/**
 * One turn: one `/run_sse` per member message, never twice. Admit (account, backend wait, credits
 * guard, quotas) → stream → recover (when the message may have been sent already) → report.
 */
export async function runTurn(deps: TurnDeps, input: TurnInput): Promise<TurnOutcome> {
  const run = new TurnRun(input, {
    outbox: deps.outbox,
    editThrottleMs: deps.timings.editThrottleMs,
    logger: deps.logger,
  });
  const outcome = await attempt(deps, run);
  // This thread waited through an outage: a later outage tells it again.
  if (outcome.kind === "done" && input.record.backendWaitSince !== undefined)
    await deps.waitNotice.reset(input.message.refKey);
  // A waiting turn edits its note next time: its id, once the acknowledgement posted beside it is out.
  if (outcome.kind === "waiting" && input.ack)
    return { ...outcome, record: { ...outcome.record, ackMessageId: await run.progress.currentId() } };
  return outcome;
}

async function attempt(deps: TurnDeps, run: TurnRun): Promise<TurnOutcome> {
  try {
    return await steps(deps, run);
  } catch (error) {
    if (run.signal?.aborted) {
      // Shutting down: leave the work for another worker; the sent marker turns it into a recovery.
      run.progress.cancel();
      throw error;
    }
    // A first run read no sent marker up front: a message sent already is recovered, never offered again.
    const sent = run.mayHaveBeenSent ? undefined : await unreadMarker(deps, run);
    if (sent) return await resume(deps, run, sent);
    // Nothing was sent and the backend could not be reached: wait for it rather than dead-end.
    if (!run.mayHaveBeenSent && nemoCode(error) === "NEMO_UNAVAILABLE")
      return await waitForBackend(deps, run, error);
    return reportFailure(deps, run, error);
  }
}

async function steps(deps: TurnDeps, run: TurnRun): Promise<TurnOutcome> {
  const { userId, inboundId } = run.message;
  // Read side by side: the thread's account (a linked user's own, or the bot's) and session for every
  // call of this turn, the sent marker (not on a first run), and whether the backend is known to be
  // unreachable.
  const [calls, sent, down, settings] = await Promise.all([
    run.input.calls ?? threadCalls(deps, run.ref, { userId, signal: run.signal }),
    run.input.firstRun ? undefined : deps.sent.read(inboundId),
    deps.breaker.check(),
    settingsOf(deps, run),
  ]);
  run.calls = calls;
  run.settings = settings;
  if (sent) return await resume(deps, run, sent);
  if (down) {
    // The backend is known to be unreachable: wait without trying (the message keeps its place).
    const earlier = await unreadMarker(deps, run);
    return earlier ? await resume(deps, run, earlier) : await waitForBackend(deps, run, undefined);
  }
  const admitted = await admit(deps, run);
  if ("sent" in admitted) return await resume(deps, run, admitted.sent);
  if ("kind" in admitted) return admitted;
  return await streamTurn(deps, run, admitted);
}

/** The sent marker a first run did not read up front (none for a later run: it read it). */
async function unreadMarker(deps: TurnDeps, run: TurnRun): Promise<SentRecord | undefined> {
  return run.input.firstRun ? deps.sent.read(run.message.inboundId) : undefined;
}

/** The message may have reached the backend already (its sent marker): never sent again. */
async function resume(deps: TurnDeps, run: TurnRun, sent: SentRecord): Promise<TurnOutcome> {
  run.mayHaveBeenSent = true;
  run.known = sent;
  // Answered already (its work was retaken after the answer was posted): nothing left to do.
  if (sent.answered) return DONE;
  return recover(deps, run, sent);
}

/** Settings (issue 21): what applies to the sender here; none when unknown or unreadable. */
async function settingsOf(deps: TurnDeps, run: TurnRun): Promise<GenerationSettings> {
  const { userId } = run.message;
  if (!deps.settings || !userId) return {};
  if (run.input.settings) return run.input.settings;
  try {
    return await deps.settings.effective(run.ref, userId);
  } catch (error) {
    run.log.warn({ err: String(error) }, "turn-settings-unreadable");
    return {};
  }
}
