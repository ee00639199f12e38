import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Reply } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";
import type { VariationBatch } from "../../store/variation-batches.js";
import type { VariationParts } from "./variation-parts.js";

const PROMPT_SHOWN = 80;

/**
 * A variation finished (`done` of the batch have a result): the batch's one progress message counts it
 * (best effort, edits may be skipped); when all have one, the gallery is claimed and posted, once.
 */
export async function reportVariation(
  parts: Pick<VariationParts, "variationBatches" | "outbox">,
  ref: ConversationRef,
  id: string,
  done: number,
): Promise<void> {
  const batch = await parts.variationBatches.read(id);
  // Nothing after the gallery: a late count would overwrite the final line.
  if (!batch || batch.gallery) return;
  const { lang, count } = batch;
  if (done < count) {
    const progress = text(lang, "variations_progress", { done, count });
    await parts.outbox.editOrPost(ref, batch.progressId, { progress }, { durable: false });
    return;
  }
  if (!(await parts.variationBatches.claimGallery(id))) return;
  const ok = [...batch.results.values()].filter((result) => result.ok).length;
  await parts.outbox.editOrPost(ref, batch.progressId, {
    progress: text(lang, "variations_progress_done", { ok, count }),
  });
  await parts.outbox.post(ref, galleryReply(batch));
}

/** The gallery: the videos made, numbered as their variations, each with "Continue with #k". */
export function galleryReply(batch: VariationBatch): Reply {
  const { lang } = batch;
  const made: { n: number; url: string }[] = [];
  const failed: number[] = [];
  for (let n = 1; n <= batch.count; n++) {
    const result = batch.results.get(n);
    if (result?.ok) made.push({ n, url: result.url });
    else failed.push(n);
  }
  if (made.length === 0) return { text: text(lang, "variations_none"), tone: "error" };
  const prompt =
    batch.prompt.length > PROMPT_SHOWN ? `${batch.prompt.slice(0, PROMPT_SHOWN - 1)}…` : batch.prompt;
  const lines = [
    text(lang, "variations_gallery", { ok: made.length, prompt }),
    failed.length > 0 ? text(lang, "variations_failed", { list: failed.join(", ") }) : "",
  ];
  return {
    text: lines.filter(Boolean).join("\n"),
    gallery: made.map(({ n, url }) => ({ url, title: `#${n}` })),
    actions: made.map(({ n }) => ({
      kind: "choose_variation" as const,
      label: text(lang, "button_choose_variation", { n }),
      arg: `${batch.id}:${n}`,
    })),
  };
}
