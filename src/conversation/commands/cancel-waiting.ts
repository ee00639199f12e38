import { parseRefKey, refKey } from "../../core/conversation/conversation-ref.js";
import { text } from "../../core/conversation/texts.js";
import type { LineEntry, ThreadLine } from "../../store/thread-line.js";
import type { WorkRecords } from "../../store/work-records.js";
import type { Outbox } from "../outbox.js";
import type { Permissions } from "../policies/permissions.js";
import type { QueuedJobs, WorkQueue } from "../work-queue.js";
import type { Answers, CommandAsk } from "./answers.js";

export interface CancelWaitingParts {
  line: Pick<ThreadLine, "entries" | "withdraw">;
  queue: Pick<WorkQueue, "entryFor">;
  jobs: QueuedJobs;
  outbox: Pick<Outbox, "edit">;
  permissions: Pick<Permissions, "may">;
  /** What the worker that took a message recorded: the queued note it posted, edited on cancel. */
  records: Pick<WorkRecords, "read">;
}

/** Cancels one waiting message of this thread (a Cancel button on its queued note). */
export async function cancelOne(
  parts: CancelWaitingParts,
  ask: CommandAsk,
  inboundId: string,
): Promise<void> {
  const { line, jobs } = parts;
  const { inbound, lang, answer } = ask;
  const key = refKey(inbound.ref);
  const turn = parts.queue.entryFor("turn", inboundId);
  const target = (await line.entries(key)).find((entry) => entry.jobId === turn.jobId);
  if (!target) {
    // Bound to its thread: a typed or replayed id of another thread's message reaches nothing.
    const elsewhere = await jobs.find(turn);
    if (elsewhere && elsewhere.refKey !== key) return answer.refuseElsewhere("cancel", inboundId);
    return answer.say("cancel_nothing");
  }
  const job = await jobs.find(turn);
  // Someone else's message: only the thread's owner and admins may cancel it.
  if (job && job.userId !== inbound.user.id && !(await mayManage(parts, ask)))
    return answer.refuseNotOwner("cancel");
  if (!(await line.withdraw(key, target))) return tellRunning(parts, answer, target);
  await job?.remove();
  const reply = { text: text(lang, "cancel_done") };
  const { ackMessageId, privateTo } = await parts.records.read(target.jobId);
  // Private mode: the queued note is in the sender's DM.
  const noted = privateTo ? parseRefKey(privateTo) : inbound.ref;
  if (ackMessageId && (await parts.outbox.edit(noted, ackMessageId, reply))) return;
  await answer.post(reply);
}

/**
 * "cancel" without an argument: every message still waiting in the thread is withdrawn; the one
 * running is said to be running (the backend cannot stop it), with how long it has run.
 */
export async function cancelWaiting(parts: CancelWaitingParts, ask: CommandAsk): Promise<void> {
  const { inbound, answer } = ask;
  const [head, ...waiting] = await parts.line.entries(refKey(inbound.ref));
  // Members other than the owner and admins cancel only their own messages.
  const everyone = await mayManage(parts, ask);
  const cancelled = await withdrawAll(
    parts,
    ask,
    waiting.filter((entry) => parts.jobs.isTurn(entry)),
    everyone,
  );
  if (cancelled > 1) await answer.say("cancel_done_many", { count: cancelled });
  else if (cancelled === 1 && !head) await answer.say("cancel_done");
  if (head) return tellRunning(parts, answer, head);
  if (cancelled === 0) await answer.say("cancel_nothing");
}

/** Withdraws each entry still waiting (only the sender's own unless `everyone`); resolves to how many. */
async function withdrawAll(
  parts: CancelWaitingParts,
  { inbound, lang }: CommandAsk,
  entries: LineEntry[],
  everyone: boolean,
): Promise<number> {
  const { ref } = inbound;
  let cancelled = 0;
  for (const entry of entries) {
    const job = await parts.jobs.find(entry);
    if (!everyone && job && job.userId !== inbound.user.id) continue;
    if (!(await parts.line.withdraw(refKey(ref), entry))) continue;
    cancelled += 1;
    await job?.remove();
    const { ackMessageId } = await parts.records.read(entry.jobId);
    if (ackMessageId) await parts.outbox.edit(ref, ackMessageId, { text: text(lang, "cancel_done") });
  }
  return cancelled;
}

async function tellRunning(parts: CancelWaitingParts, answer: Answers, entry: LineEntry): Promise<void> {
  const since = (await parts.jobs.find(entry))?.since;
  if (!since) return answer.say("cancel_running");
  const minutes = Math.max(1, Math.round((Date.now() - since) / 60_000));
  await answer.say("cancel_running_info", { minutes });
}

function mayManage(parts: CancelWaitingParts, { inbound }: CommandAsk): Promise<boolean> {
  return parts.permissions.may("cancel-others", inbound.ref, inbound.user);
}
