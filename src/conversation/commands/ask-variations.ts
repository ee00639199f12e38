import { refKey } from "../../core/conversation/conversation-ref.js";
import { settingsTag, variationCount } from "../../core/conversation/generation-settings.js";
import { buttons } from "../../core/conversation/replies.js";
import { text } from "../../core/conversation/texts.js";
import { batchIdOf } from "../../store/variation-batches.js";
import { threadCalls } from "../thread-account.js";
import type { CommandHandler } from "./answers.js";
import type { VariationParts } from "./variation-parts.js";

type AskParts = Pick<
  VariationParts,
  | "variationSources"
  | "variationBatches"
  | "settings"
  | "sessions"
  | "accounts"
  | "client"
  | "permissions"
  | "generationCost"
  | "logger"
>;

/**
 * 🎲 Variations on a generated result: the thread's owner (or an admin) is asked once for the whole
 * batch — N (the place's setting), the estimate (N × the cost of one generation), the balance of the
 * bot's account when it can be read — with Start / Cancel bound to them. Posted in the thread: everyone
 * there sees what the thread's account is about to spend, and the question survives restarts (a
 * private Discord or Slack note with buttons would not). A member's own account's balance stays theirs.
 */
export function askVariationsCommand(parts: AskParts): CommandHandler {
  return async ({ inbound, intent, lang, answer }) => {
    const arg = intent.kind === "variations" ? intent.arg : undefined;
    const source = arg ? await parts.variationSources.read(arg) : undefined;
    if (!arg || !source) return answer.say("variations_unavailable");
    // Bound to its thread: a replayed button or typed id from elsewhere reaches nothing.
    if (source.refKey !== refKey(inbound.ref))
      return answer.refuse("action_elsewhere", "command-refused-other-thread", arg, "variations");
    if (!(await parts.permissions.may("variations", inbound.ref, inbound.user, source.userId)))
      return answer.refuseNotOwner("variations");
    const [place, settings] = await Promise.all([
      parts.settings.place(inbound.ref),
      parts.settings.effective(inbound.ref, source.userId ?? inbound.user.id),
    ]);
    const count = variationCount(place);
    const cost = parts.generationCost;
    const estimate = count * cost;
    const calls = await threadCalls(parts, inbound.ref, { userId: inbound.user.id });
    const balance = calls.account
      ? undefined
      : await parts.client.credits(calls.ctx).then(
          (credits) => credits.available,
          () => undefined,
        );
    if (balance !== undefined && balance < estimate)
      return answer.say("variations_short_credits", { count, estimate, balance });
    const id = batchIdOf(inbound.id);
    const asked = { ...source, source: arg, count, by: inbound.user.id, lang, settings };
    if (!(await parts.variationBatches.ask(id, asked))) {
      parts.logger.info({ thread: refKey(inbound.ref), batch: id }, "variations-ask-duplicate");
      return;
    }
    parts.logger.info({ thread: refKey(inbound.ref), batch: id, count }, "variations-asked");
    const tag = settingsTag(settings).replace(/^ · /, "");
    const lines = [
      text(lang, "variations_confirm", { count, estimate, cost }),
      tag ? text(lang, "variations_settings", { settings: tag }) : "",
      balance === undefined ? "" : text(lang, "variations_balance", { balance }),
      inbound.user.name ? text(lang, "variations_confirm_by", { name: inbound.user.name }) : "",
    ];
    await answer.post({
      text: lines.filter(Boolean).join("\n"),
      actions: buttons(lang, ["variations_confirm", "variations_cancel"], id),
    });
  };
}
