import { buttons } from "../../core/conversation/replies.js";
import type { ReplyAction } from "../../core/conversation/reply.js";
import type { VariationSources } from "../../store/variation-batches.js";
import type { TurnRun } from "./turn-run.js";

/**
 * The 🎲 Variations button of an answer that reports a generated video: the message's prompt is kept
 * (by its inbound id, the button's argument) so that the batch sends the very same prompt. A failure to
 * keep it leaves the answer without the button.
 */
export async function variationsOffer(
  parts: { variationSources?: Pick<VariationSources, "keep"> | undefined },
  run: TurnRun,
): Promise<ReplyAction[]> {
  if (!parts.variationSources) return [];
  const { inboundId, refKey, userId, text } = run.message;
  try {
    // The variations' sessions speak the language this turn's session would (the /settings one first).
    const language = run.sessionLanguage;
    await parts.variationSources.keep(inboundId, { prompt: text, refKey, userId, language });
    return buttons(run.lang, ["variations"], inboundId);
  } catch (error) {
    run.log.warn({ err: String(error) }, "variations-offer-failed");
    return [];
  }
}
