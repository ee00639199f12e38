import { refKey } from "../../core/conversation/conversation-ref.js";
import type { Logger } from "../../core/logger.js";
import { claimPrompt, readPrompt } from "../prompt-record.js";
import type { FollowUps } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";
import type { RecordParts } from "./command-parts.js";

export interface GuardAnswerParts extends RecordParts {
  followUps: Pick<FollowUps, "turn">;
  logger: Logger;
}

/** Continue / Cancel on a message the credits guard held: each answers once. */
export function guardAnswerCommand(parts: GuardAnswerParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const kind = intent.kind === "drop" ? "drop" : "continue";
    const arg = intent.kind === "continue" || intent.kind === "drop" ? intent.arg : undefined;
    const original = arg ? await readPrompt(parts, arg) : undefined;
    if (!arg || !original) return answer.say("unknown_action");
    if (original.refKey !== refKey(inbound.ref)) {
      parts.logger.warn(
        { thread: refKey(inbound.ref), action: kind, target: arg },
        "command-refused-other-thread",
      );
      return answer.say("action_elsewhere");
    }
    if (!(await claimPrompt(parts, arg, inbound.id))) return answer.say("retry_used");
    if (kind === "drop") {
      await parts.redis.del(parts.keys.inbound(arg));
      return answer.say("credits_guard_dropped");
    }
    await parts.followUps.turn({ ...inbound, id: `${arg}:continue` }, original.text, { confirmed: true });
  };
}
