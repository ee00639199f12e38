import { refKey } from "../../core/conversation/conversation-ref.js";
import { settingsFingerprint } from "../../core/conversation/generation-settings.js";
import type { CommandHandler } from "./answers.js";
import { type VariationParts, variationArg } from "./variation-parts.js";

type ChooseParts = Pick<VariationParts, "variationBatches" | "sessions" | "permissions" | "logger">;

/**
 * "Continue with #k" in a variations gallery (the thread's owner, admins, operators; only in its
 * thread): the variation's session becomes the thread's project, so the thread's next message edits
 * it. The other variations' sessions are left as they are.
 */
export function chooseVariationCommand(parts: ChooseParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const arg = intent.kind === "choose_variation" ? intent.arg : undefined;
    const target = variationArg(arg);
    const batch = target ? await parts.variationBatches.read(target.id) : undefined;
    if (!target || !batch) return answer.say("variations_unavailable");
    if (batch.refKey !== refKey(inbound.ref))
      return answer.refuse("action_elsewhere", "command-refused-other-thread", arg, "choose_variation");
    if (!(await parts.permissions.may("choose-variation", inbound.ref, inbound.user, batch.by)))
      return answer.refuseNotOwner("choose_variation");
    const session = batch.sessions.get(target.n);
    if (!session || !batch.results.get(target.n)?.ok) return answer.say("variation_not_ready");
    const now = Date.now();
    await parts.sessions.adopt(inbound.ref, {
      ...session,
      language: batch.language,
      platform: inbound.ref.platform,
      ...(batch.account ? { account: batch.account } : {}),
      // Its first message carried the batch's settings line: it is not sent again unless they change.
      ...(batch.settings ? { settingsSent: settingsFingerprint(batch.settings) } : {}),
      createdAt: now,
      usedAt: now,
    });
    parts.logger.info(
      { thread: refKey(inbound.ref), batch: batch.id, variation: target.n, session: session.sessionId },
      "variation-chosen",
    );
    await answer.say("variation_chosen", { n: target.n });
  };
}
