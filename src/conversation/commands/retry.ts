import { refKey } from "../../core/conversation/conversation-ref.js";
import type { PromptRecords } from "../../store/prompt-records.js";
import type { SentMarker } from "../../store/sent-marker.js";
import type { ThreadLine } from "../../store/thread-line.js";
import type { Permissions } from "../policies/permissions.js";
import type { FollowUps, WorkQueue } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";

export interface RetryParts {
  prompts: Pick<PromptRecords, "read" | "claim">;
  line: Pick<ThreadLine, "entries">;
  sent: Pick<SentMarker, "read">;
  queue: Pick<WorkQueue, "entryFor">;
  permissions: Pick<Permissions, "may">;
  followUps: Pick<FollowUps, "turn">;
}

/** Retry: a message that was not answered is sent again, once, if it cannot have reached the backend. */
export function retryCommand(parts: RetryParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const arg = intent.kind === "retry" ? intent.arg : undefined;
    if (!arg) return answer.say("unknown_action");
    // Kept while a Retry may be offered (deleted once the message is answered without one).
    const original = await parts.prompts.read(arg);
    if (!original) return answer.refuse("retry_not_available", "retry-refused-answered", arg);
    const key = refKey(inbound.ref);
    // Bound to its thread: a Retry (button replay or typed id) from elsewhere reaches nothing.
    if (original.refKey !== key) return answer.refuseElsewhere("retry", arg);
    // Still waiting or running: its own answer will come; sending it again would send it twice.
    const { jobId } = parts.queue.entryFor("turn", arg);
    if ((await parts.line.entries(key)).some((entry) => entry.jobId === jobId))
      return answer.refuse("retry_pending", "retry-refused-pending", arg);
    // Claimed for sending and not yet answered: it may have reached the backend.
    const marker = await parts.sent.read(arg);
    if (marker && !marker.answered)
      return answer.refuse("retry_not_available", "retry-refused-may-be-sent", arg);
    // Retry is for the message's sender, the thread's owner and admins.
    const others = original.userId !== undefined && original.userId !== inbound.user.id;
    if (others && !(await parts.permissions.may("retry", inbound.ref, inbound.user, original.userId)))
      return answer.refuseNotOwner("retry");
    if (!(await parts.prompts.claim(arg, inbound.id))) return answer.say("retry_used");
    await parts.followUps.turn({ ...inbound, id: `${arg}:retry` }, original.text);
  };
}
