import { refKey } from "../../core/conversation/conversation-ref.js";
import type { Logger } from "../../core/logger.js";
import type { PromptRecords } from "../../store/prompt-records.js";
import type { Permissions } from "../policies/permissions.js";
import type { FollowUps } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";

export interface GuardAnswerParts {
  prompts: Pick<PromptRecords, "read" | "claim" | "drop">;
  followUps: Pick<FollowUps, "turn">;
  permissions: Pick<Permissions, "may">;
  logger: Logger;
}

/**
 * Continue / Cancel on a message the credits guard held: each answers once, and only for the message's
 * sender, the thread's owner, the place's admins and operators; anyone else reads why, privately.
 */
export function guardAnswerCommand(parts: GuardAnswerParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const kind = intent.kind === "drop" ? "drop" : "continue";
    const arg = intent.kind === "continue" || intent.kind === "drop" ? intent.arg : undefined;
    const original = arg ? await parts.prompts.read(arg) : undefined;
    if (!arg || !original) return answer.say("unknown_action");
    if (original.refKey !== refKey(inbound.ref)) {
      parts.logger.warn(
        { thread: refKey(inbound.ref), action: kind, target: arg },
        "command-refused-other-thread",
      );
      return answer.say("action_elsewhere");
    }
    if (!(await parts.permissions.may("guard-answer", inbound.ref, inbound.user, original.userId)))
      return answer.refuse("guard_not_yours", "command-refused-not-owner", arg, kind);
    if (!(await parts.prompts.claim(arg, inbound.id))) return answer.say("retry_used");
    if (kind === "drop") {
      await parts.prompts.drop(arg);
      return answer.say("credits_guard_dropped");
    }
    await parts.followUps.turn({ ...inbound, id: `${arg}:continue` }, original.text, { confirmed: true });
  };
}
