import { failureFields } from "../../core/conversation/failure-code.js";
import { translateBackendText } from "../../core/conversation/gui-translation.js";
import { ANSWER_ACTIONS, buttons, errorReply, isRetryable } from "../../core/conversation/replies.js";
import type { ActionKind } from "../../core/conversation/reply.js";
import { type TextKey, text } from "../../core/conversation/texts.js";
import { describeStateChange, type StateBaseline, stateFingerprint } from "../../core/nemo/state-diff.js";
import type { NemoState } from "../../core/nemo/types.js";
import { offerQuickReplies } from "./quick-reply-offer.js";
import type { TurnDeps } from "./turn-deps.js";
import { DONE, type TurnOutcome, type TurnRun } from "./turn-run.js";
import type { StreamOutcome } from "./turn-stream.js";
import { variationsOffer } from "./variations-offer.js";

/** The report stage: the turn's last word in the thread (answer, what changed, or why it failed). */
type ReportParts = Pick<
  TurnDeps,
  "sent" | "sessions" | "maxAnswerChars" | "quickReplies" | "variationSources"
>;

/** Continue anywhere: what a turn's answer offers besides {@link ANSWER_ACTIONS} (see project-move.ts). */
const MOVE_ACTIONS: readonly ActionKind[] = ["move_thread", "move_code"];

/** What the user reads when a state comparison ends a turn. */
export interface ChangeWords {
  changed: string;
  unchanged: string;
  /** Offer Retry when nothing changed. */
  retry: boolean;
}

export function changeWords(run: TurnRun, changed: TextKey, unchanged: TextKey, retry: boolean): ChangeWords {
  return { changed: text(run.lang, changed), unchanged: text(run.lang, unchanged), retry };
}

/** The backend's answer (whole, or what arrived before the stream was lost: then `note` says so). */
export async function deliverAnswer(
  parts: ReportParts,
  run: TurnRun,
  answer: StreamOutcome,
  note?: TextKey,
): Promise<TurnOutcome> {
  const { inboundId } = run.message;
  const lang = run.lang;
  const translated = translateBackendText(answer.text.trim(), lang);
  const prefix =
    answer.rawVideoReported && answer.postProduction ? `${text(lang, "post_production_done")}\n\n` : "";
  const notes = [
    answer.cut ? text(lang, "answer_too_long", { max: parts.maxAnswerChars }) : "",
    note ? text(lang, note) : "",
  ].filter(Boolean);
  const final = {
    text: [`${prefix}${translated.text}`, ...notes].join("\n\n"),
    actions: [
      // Continue anywhere: the project in a new thread, or a code for another place (MOVE_ACTIONS).
      ...buttons(lang, [...translated.actions, ...ANSWER_ACTIONS, ...MOVE_ACTIONS]),
      // Variations: a generated video offers 🎲
      ...(answer.rawVideoReported ? await variationsOffer(parts, run) : []),
    ],
  };
  // Quick replies: only an answer the member saw whole can end with choices.
  const said = answer.cut || note ? "" : translated.text;
  const offer = await offerQuickReplies(parts, run, said, final);
  const shown = (await run.endLive(offer.reply)) ? undefined : await run.progress.finish(offer.reply);
  await parts.sent.markAnswered(inboundId, { known: run.known, clearPartial: true });
  // A session created by this turn was written with its use just now: no renewal needed.
  if (!run.calls || run.calls.record)
    await parts.sessions.touch(run.ref, undefined, run.calls?.record?.usedAt);
  await offer.settled(shown);
  return DONE;
}

/** Reports what changed, after what the stream said before it was lost (`keptText`, marked cut off). */
export async function reportChange(
  parts: ReportParts,
  run: TurnRun,
  change: { before: StateBaseline | null; after: NemoState },
  words: ChangeWords,
  keptText?: string,
): Promise<void> {
  const { inboundId } = run.message;
  const lang = run.lang;
  const described = describeStateChange(change.before, change.after, lang);
  if (described.changed) {
    await run.progress.finish({
      text: [
        ...keptLines(run, keptText),
        [words.changed, ...described.lines.map((line) => `• ${line}`)].join("\n"),
      ].join("\n\n"),
      actions: buttons(lang, ANSWER_ACTIONS),
    });
    await parts.sent.markAnswered(inboundId, { known: run.known, clearPartial: keptText !== undefined });
  } else {
    await finishUnchanged(parts, run, words, keptText);
  }
  await parts.sessions.touch(run.ref, stateFingerprint(change.after), run.calls?.record?.usedAt);
}

export async function finishUnchanged(
  parts: Pick<TurnDeps, "sent">,
  run: TurnRun,
  words: ChangeWords,
  keptText?: string,
): Promise<void> {
  const { inboundId } = run.message;
  const lang = run.lang;
  await run.progress.finish({
    text: [...keptLines(run, keptText), words.unchanged].join("\n\n"),
    actions: words.retry ? buttons(lang, ["retry"], inboundId) : [],
  });
  await parts.sent.markAnswered(inboundId, {
    retryOffered: words.retry,
    known: run.known,
    clearPartial: keptText !== undefined,
  });
}

/** The turn failed: the user reads why, with Retry when sending again may work and nothing was sent. */
export async function reportFailure(
  parts: Pick<TurnDeps, "sent">,
  run: TurnRun,
  error: unknown,
): Promise<TurnOutcome> {
  const { inboundId } = run.message;
  const lang = run.lang;
  run.log.warn({ ...failureFields(error), err: String(error) }, "turn-failed");
  const retryArg = isRetryable(error) && !run.mayHaveBeenSent ? inboundId : undefined;
  await run.progress.finish(errorReply(error, lang, retryArg));
  await parts.sent.markAnswered(inboundId, { retryOffered: retryArg !== undefined, known: run.known });
  return DONE;
}

function keptLines(run: TurnRun, keptText: string | undefined): string[] {
  const said = keptText?.trim();
  if (!said) return [];
  return [translateBackendText(said, run.lang).text, text(run.lang, "answer_cut_off")];
}
