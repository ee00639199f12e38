import type { RunSseTimes } from "./simulator.js";
import type { Stack } from "./stack.js";

/** `Date.now()` of a `performance.now()` reading of this process (the simulator logs epoch ms). */
export const epochOf = (perf: number): number => performance.timeOrigin + perf;

/**
 * The bot's own time around each conversation's `/run_sse`, matched by its (unique) message: before =
 * the signed event sent → the request reaching the backend; after = the stream ended → the answer
 * reaching the Slack sink. Conversations without both ends are left out.
 */
function botTimes(
  conversations: { message: string; sentAt: number; answeredAt: number | undefined }[],
  runSse: RunSseTimes[],
): { before: number[]; after: number[] } {
  const byMessage = new Map(runSse.map((r) => [r.message, r]));
  const before: number[] = [];
  const after: number[] = [];
  for (const c of conversations) {
    const r = byMessage.get(c.message);
    if (!r) continue;
    before.push(r.at - epochOf(c.sentAt));
    if (r.endedAt !== undefined && c.answeredAt !== undefined) after.push(epochOf(c.answeredAt) - r.endedAt);
  }
  return { before, after };
}

/** {@link botTimes} of a burst: `messages[i]` was sent as `sent[i]`; answers from the stack's Slack sink. */
export async function burstBotTimes(
  stack: Stack,
  messages: string[],
  sent: { thread: string; sentAt: number }[],
): Promise<{ before: number[]; after: number[] }> {
  return botTimes(
    sent.map((s, i) => ({
      message: messages[i]!,
      sentAt: s.sentAt,
      answeredAt: stack.sink.answeredAt.get(s.thread),
    })),
    await stack.sim.runSse(),
  );
}
