import { text } from "../../core/conversation/texts.js";
import { describeStateChange } from "../../core/nemo/state-diff.js";
import type { NemoState } from "../../core/nemo/types.js";
import type { SentRecord } from "../../store/sent-marker.js";
import { type ChangeWords, changeWords, deliverAnswer, finishUnchanged, reportChange } from "./report.js";
import type { TurnDeps } from "./turn-deps.js";
import { DONE, nemoCode, type TurnOutcome, type TurnRun } from "./turn-run.js";

/** The recover stage: the message may have reached the backend, so it is never sent again. */
type RecoverParts = Pick<TurnDeps, "client" | "partials" | "sent" | "sessions" | "maxAnswerChars"> & {
  timings: Pick<TurnDeps["timings"], "recoveryDelaysMs">;
};

/**
 * After a lost stream, a crash or a refusal: never send again. What the stream delivered is kept (an
 * ended stream's whole answer, or a text-only answer cut off mid-way, is delivered at once); else poll
 * the state and report what changed (a refusal: one check only).
 */
export async function recover(parts: RecoverParts, run: TurnRun, sent: SentRecord): Promise<TurnOutcome> {
  const { record } = run.input;
  const partial = await parts.partials.read(run.message.inboundId);
  if (partial && (partial.ended || (!partial.tools && partial.text.trim()))) {
    run.log.info({ ended: partial.ended, chars: partial.text.length }, "turn-kept-answer-delivered");
    return deliverAnswer(parts, run, partial, partial.ended ? undefined : "answer_cut_off");
  }
  const refused = record.refusedStatus;
  const attempt = record.recoveryAttempt;
  if (refused === undefined && attempt === undefined) return startRecovery(parts, run);
  const last = refused !== undefined || (attempt ?? 0) + 1 >= parts.timings.recoveryDelaysMs.length;
  const words = recoveryWords(run, refused);
  let after: NemoState;
  try {
    after = await parts.client.state(run.ctx, sent.sessionId);
  } catch (error) {
    if (refused !== undefined) {
      // The backend refused the message and cannot be asked: the refusal is what the user hears.
      await finishUnchanged(parts, run, words, partial?.text);
      return DONE;
    }
    const code = nemoCode(error);
    const transient = code === "NEMO_UNAVAILABLE" || code === "NEMO_RATE_LIMITED";
    if (!transient || last) throw error;
    return scheduleRecovery(parts, run, (attempt ?? 0) + 1);
  }
  const change = describeStateChange(sent.before, after, run.lang);
  if (change.changed || last) {
    run.log.info({ attempt, refused, changed: change.changed }, "turn-recovery-finished");
    await reportChange(parts, run, { before: sent.before, after }, words, partial?.text);
    return DONE;
  }
  return scheduleRecovery(parts, run, (attempt ?? 0) + 1);
}

/** The stream was lost after the message left: read the state from now on. */
export async function startRecovery(
  parts: { timings: Pick<TurnDeps["timings"], "recoveryDelaysMs"> },
  run: TurnRun,
): Promise<TurnOutcome> {
  run.progress.update({ progress: text(run.lang, "recovering") });
  return scheduleRecovery(parts, run, 0);
}

async function scheduleRecovery(
  parts: { timings: Pick<TurnDeps["timings"], "recoveryDelaysMs"> },
  run: TurnRun,
  attempt: number,
): Promise<TurnOutcome> {
  const delay = parts.timings.recoveryDelaysMs[attempt] ?? 60_000;
  await run.progress.finish({ progress: text(run.lang, "recovering") });
  return run.waitFor(delay, { recoveryAttempt: attempt });
}

function recoveryWords(run: TurnRun, refused: number | undefined): ChangeWords {
  if (refused === undefined) return changeWords(run, "recovered_changes", "recovery_nothing", true);
  return {
    changed: text(run.lang, "refused_but_changed", { status: refused }),
    unchanged: text(run.lang, "refused_not_processed", { status: refused }),
    retry: true,
  };
}
