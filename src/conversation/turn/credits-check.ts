import { failureFields } from "../../core/conversation/failure-code.js";
import { buttons } from "../../core/conversation/replies.js";
import { likelyGenerates } from "../../core/conversation/router.js";
import { text } from "../../core/conversation/texts.js";
import type { GuardVerdict } from "../policies/credits-guard.js";
import type { TurnDeps } from "./turn-deps.js";
import { nemoCode, type TurnRun } from "./turn-run.js";

type CreditsParts = Pick<TurnDeps, "guard" | "sent" | "client" | "outbox">;

/**
 * The credits guard's verdict, before anything is sent: a likely generation (a hint in the text, or a
 * thread's first message) under the threshold is held for Continue / Cancel; under the estimate the
 * message is refused. A failed balance read holds nothing back (undefined); an unreachable backend
 * throws (the turn waits for it: nothing was sent).
 */
export async function creditsVerdict(
  parts: Pick<CreditsParts, "guard">,
  run: TurnRun,
  firstMessage: boolean,
): Promise<GuardVerdict | undefined> {
  const { message } = run;
  try {
    return await parts.guard.check(run.ctx, run.calls?.account?.id ?? "bot", {
      likelyGenerates: likelyGenerates(message.text) || firstMessage,
      confirmed: message.confirmed === true,
    });
  } catch (error) {
    if (nemoCode(error) === "NEMO_UNAVAILABLE") throw error;
    run.log.warn({ ...failureFields(error) }, "credits-guard-unavailable");
    return undefined;
  }
}

/**
 * Acts on the guard's verdict: a low balance is told once; a held message is answered with Continue /
 * Cancel (its prompt is kept for Continue) or with where credits come from. Resolves true when held.
 */
export async function heldByCredits(
  parts: CreditsParts,
  run: TurnRun,
  verdict: GuardVerdict | undefined,
): Promise<boolean> {
  if (!verdict) return false;
  if (verdict.kind === "go") {
    if (verdict.lowWarning) {
      run.log.info({ balance: verdict.lowWarning.balance }, "credits-low-warning");
      // A member's own account's balance is theirs: the thread reads only that it runs low.
      const low = run.calls?.account
        ? text(run.lang, "credits_low_own")
        : text(run.lang, "credits_low", { balance: verdict.lowWarning.balance });
      await parts.outbox.post(run.ref, { text: low });
    }
    return false;
  }
  await hold(parts, run, verdict);
  return true;
}

async function hold(
  parts: CreditsParts,
  run: TurnRun,
  verdict: Exclude<GuardVerdict, { kind: "go" }>,
): Promise<void> {
  const { inboundId } = run.message;
  const lang = run.lang;
  const amounts = { balance: verdict.balance, cost: verdict.cost };
  run.log.info({ verdict: verdict.kind, ...amounts }, "credits-guard-held");
  const own = run.calls?.account !== undefined;
  if (verdict.kind === "confirm") {
    await run.progress.finish({
      text: text(lang, own ? "credits_guard_confirm_own" : "credits_guard_confirm", amounts),
      actions: buttons(lang, ["continue", "drop"], inboundId),
    });
    await parts.sent.markAnswered(inboundId, { retryOffered: true });
    return;
  }
  const shared = !run.calls?.account && parts.client.isAnonymous;
  await run.progress.finish({
    text: text(lang, refusedKey(shared, own), amounts),
    tone: "error",
    ...(shared ? {} : { links: [{ label: text(lang, "link_billing"), url: parts.client.billingUrl }] }),
  });
  await parts.sent.markAnswered(inboundId);
}

/** The refusal's words: the shared account's, a member's own account's (no balance), or the bot's registered one. */
function refusedKey(shared: boolean, own: boolean) {
  if (shared) return "credits_guard_refused_shared";
  return own ? "credits_guard_refused_own" : "credits_guard_refused";
}
