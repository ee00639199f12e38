import { refKey } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import { parseQuickArg } from "../../core/conversation/quick-replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { text } from "../../core/conversation/texts.js";
import type { QuickReplyRecord, QuickReplyRecords } from "../../store/quick-reply-records.js";
import type { Outbox } from "../outbox.js";
import type { Permissions } from "../policies/permissions.js";
import type { FollowUps } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";

export interface QuickReplyParts {
  quickReplies: Pick<QuickReplyRecords, "read" | "take">;
  permissions: Pick<Permissions, "may">;
  followUps: Pick<FollowUps, "turn">;
  outbox: Pick<Outbox, "edit">;
  sessions: Pick<SessionManager, "find">;
}

/**
 * A quick reply clicked: the choice's text becomes the clicker's next message in the thread, queued as
 * any turn (the line, quotas and the credits guard apply). Bound to the answer's thread; taken once —
 * the first click wins, later clicks (anyone's, a replay) are told privately that it was answered. A
 * question the conversation moved past (another answered turn, a new project) is closed: its buttons go.
 */
export function quickReplyCommand(parts: QuickReplyParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const arg = intent.kind === "quick_reply" ? intent.arg : undefined;
    const target = parseQuickArg(arg);
    if (!target) return answer.say("unknown_action");
    const record = await parts.quickReplies.read(target.recordId);
    const choice = record?.choices[target.index];
    if (!record || !choice) return answer.refuse("quick_reply_expired", "quick-reply-refused-expired", arg);
    // Bound to its thread: an id replayed (or typed) elsewhere reaches nothing.
    if (record.refKey !== refKey(inbound.ref))
      return answer.refuse("action_elsewhere", "command-refused-other-thread", arg, "quick-reply");
    if (!(await parts.permissions.may("quick-reply", inbound.ref, inbound.user)))
      return answer.refuse("quick_reply_not_allowed", "quick-reply-refused", arg, "quick-reply");
    const mine = record.taken?.inboundId === inbound.id;
    if (!record.taken && (await movedOn(parts, inbound, record))) {
      await showAnswer(parts, inbound.ref, record);
      return answer.refuse("quick_reply_stale", "quick-reply-refused-stale", arg, "quick-reply");
    }
    if (record.taken && !mine)
      return answer.refuse("quick_reply_taken", "quick-reply-refused-taken", arg, "quick-reply");
    const taker = { userId: inbound.user.id, index: target.index, inboundId: inbound.id };
    const holder = await parts.quickReplies.take(target.recordId, taker);
    // A retried run of this same click goes on (its turn is queued once by its id); anyone else's stops.
    if (holder.inboundId !== inbound.id)
      return answer.refuse("quick_reply_taken", "quick-reply-refused-taken", arg, "quick-reply");
    const message = { ...inbound, id: `${target.recordId}:quick`, text: choice.text, action: undefined };
    await parts.followUps.turn(message, choice.text);
    await showTaken(parts, inbound, record, choice.label);
  };
}

/**
 * Whether the thread's conversation was used after the question's turn was done (a later answered
 * turn, a new project): then the question is no longer open. Unknown when the turn was not settled.
 */
async function movedOn(
  parts: Pick<QuickReplyParts, "sessions">,
  inbound: Inbound,
  record: QuickReplyRecord,
): Promise<boolean> {
  if (record.settledAt === undefined) return false;
  const conversation = await parts.sessions.find(inbound.ref);
  return conversation === undefined || conversation.usedAt > record.settledAt;
}

/** The answer shown again without its buttons (when it can be edited), with `note` under it. */
async function showAnswer(
  parts: Pick<QuickReplyParts, "outbox">,
  ref: Inbound["ref"],
  record: QuickReplyRecord,
  note?: string,
): Promise<void> {
  if (!record.messageId || !record.reply) return;
  const reply: Reply = { ...record.reply, text: [record.reply.text, note].filter(Boolean).join("\n\n") };
  await parts.outbox.edit(ref, record.messageId, reply);
}

/** The answer with the choice taken (and who took it) under it. */
function showTaken(
  parts: Pick<QuickReplyParts, "outbox">,
  { ref, user }: Pick<Inbound, "ref" | "user">,
  record: QuickReplyRecord,
  label: string,
): Promise<void> {
  const name = user.name?.trim().slice(0, 80);
  const chosen = name
    ? text(record.lang, "quick_reply_chosen_by", { name, choice: label })
    : text(record.lang, "quick_reply_chosen", { choice: label });
  return showAnswer(parts, ref, record, chosen);
}
