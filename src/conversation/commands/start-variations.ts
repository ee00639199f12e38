import { refKey } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import { text } from "../../core/conversation/texts.js";
import type { QuotaHold, QuotaRefusal } from "../../store/quotas.js";
import type { VariationBatch } from "../../store/variation-batches.js";
import { exemptScopesOf } from "../policies/permissions.js";
import { quotaRefusalText } from "../policies/quota-replies.js";
import { threadCalls } from "../thread-account.js";
import type { Answers, CommandHandler } from "./answers.js";
import type { VariationParts } from "./variation-parts.js";

type StartParts = Pick<
  VariationParts,
  | "variationBatches"
  | "sessions"
  | "accounts"
  | "client"
  | "quotas"
  | "permissions"
  | "outbox"
  | "followUps"
  | "logger"
>;

/**
 * Start / Cancel of a variations batch: only the member who clicked 🎲, only in its thread, and only
 * once (one claim per batch: a second click or a redelivery starts nothing). Start counts the N
 * generations against the quotas first (refused as a whole, before anything is created), then makes N
 * sessions on the thread's account and keeps them in the batch before any message is sent to them,
 * posts the batch's one progress message and queues one run per variation.
 */
export function startVariationsCommand(parts: StartParts): CommandHandler {
  return async ({ inbound, intent, lang, answer }) => {
    const cancel = intent.kind === "variations_cancel";
    const arg = intent.kind === "variations_confirm" || cancel ? intent.arg : undefined;
    const batch = arg ? await parts.variationBatches.read(arg) : undefined;
    if (!arg || !batch) return answer.say("variations_unavailable");
    if (batch.refKey !== refKey(inbound.ref))
      return answer.refuse("action_elsewhere", "command-refused-other-thread", arg, intent.kind);
    if (batch.by !== inbound.user.id)
      return answer.refuse("variations_not_yours", "command-refused-not-owner", arg, intent.kind);
    if (!(await parts.variationBatches.claim(batch.id, cancel ? `cancel:${inbound.id}` : inbound.id)))
      return answer.tell({ text: text(lang, "variations_already") });
    if (cancel) return answer.say("variations_cancelled");
    const refusal = batch.counted ? undefined : await countGenerations(parts, inbound, batch);
    if (refusal) {
      // Nothing started: the batch may be started later, when the limit frees up.
      await parts.variationBatches.unclaim(batch.id);
      parts.logger.info({ batch: batch.id, limit: refusal.limit }, "variations-refused-quota");
      return answer.say("variations_refused", { reason: quotaRefusalText(lang, refusal) });
    }
    await createSessions(parts, inbound, batch).catch(async (error: unknown) => {
      // Nothing was sent: Start may be pressed again (the generations stay counted, once).
      await parts.variationBatches.unclaim(batch.id);
      throw error;
    });
    await progressOnce(parts, batch, answer, lang);
    parts.logger.info(
      { thread: refKey(inbound.ref), batch: batch.id, count: batch.count },
      "variations-started",
    );
    const { privateReplyTo: _private, action: _action, ...rest } = inbound;
    for (let n = 1; n <= batch.count; n++) {
      await parts.followUps.event(
        { ...rest, id: `${batch.id}:run:${n}`, text: "" },
        { kind: "variation_run", arg: `${batch.id}:${n}` },
      );
    }
  };
}

/**
 * Takes one generation and one turn per variation (what a generating turn uses) in every scope the
 * starter is limited in, each take one Lua step; when one is refused, every point taken is given back
 * and the refusal returned.
 */
async function countGenerations(
  parts: Pick<StartParts, "quotas" | "permissions" | "variationBatches">,
  inbound: Inbound,
  batch: VariationBatch,
): Promise<QuotaRefusal | undefined> {
  const exempt = exemptScopesOf(await parts.permissions.quotaExemption(inbound.ref, inbound.user));
  const subject = { ref: inbound.ref, userId: inbound.user.id };
  const taken: QuotaHold[] = [];
  const takes = (["generations", "turns"] as const).flatMap((kind) =>
    Array<typeof kind>(batch.count).fill(kind),
  );
  for (const take of takes) {
    const admission = await parts.quotas.admit(subject, { take, exempt });
    if (!admission.ok) {
      await Promise.all(taken.map((hold) => hold.giveBack()));
      return admission.refusal;
    }
    taken.push(admission.points);
  }
  await parts.variationBatches.markCounted(batch.id);
  return undefined;
}

/** One new session per variation, on the thread's account (a retried Start keeps those it made). */
async function createSessions(
  parts: Pick<StartParts, "variationBatches" | "sessions" | "accounts" | "client">,
  inbound: Inbound,
  batch: VariationBatch,
): Promise<void> {
  const calls = await threadCalls(parts, inbound.ref, { userId: inbound.user.id });
  await parts.variationBatches.setAccount(batch.id, calls.account?.id);
  const missing = Array.from({ length: batch.count }, (_, i) => i + 1).filter((n) => !batch.sessions.has(n));
  await Promise.all(
    missing.map(async (n) => {
      const session = await parts.client.createSession(calls.ctx, batch.language);
      await parts.variationBatches.setSession(batch.id, n, {
        sessionId: session.sessionId,
        taskId: session.taskId,
      });
    }),
  );
}

/** The batch's one progress message ("🎲 Variations 0/3 ready…"), posted once. */
async function progressOnce(
  parts: Pick<StartParts, "variationBatches">,
  batch: VariationBatch,
  answer: Answers,
  lang: VariationBatch["lang"],
): Promise<void> {
  if (batch.progressId) return;
  const id = await answer.post({
    progress: text(lang, "variations_progress", { done: 0, count: batch.count }),
  });
  if (id) await parts.variationBatches.setProgress(batch.id, id);
}
