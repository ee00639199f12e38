import type { Queue } from "bullmq";

const OPEN = ["active", "waiting", "delayed", "prioritized"] as const;

/**
 * Polls (with a deadline) until no turn job with this text is still to run: removed, or run. A message
 * still in line runs once the line moves on; this waits for that to be over.
 */
export async function settledTurn(
  turns: Pick<Queue<{ text?: string }>, "getJobs">,
  message: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await turns.getJobs([...OPEN])).some((job) => job.data.text === message)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${message}" to settle`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling with the deadline above
  }
}
