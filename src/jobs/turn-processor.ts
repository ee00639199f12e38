import type { Job } from "bullmq";
import { type ThreadCalls, threadCalls } from "../conversation/thread-account.js";
import { runTurn } from "../conversation/turn/run-turn.js";
import type { TurnDeps } from "../conversation/turn/turn-deps.js";
import { parseRefKey } from "../core/conversation/conversation-ref.js";
import { isFirstRun, type LineJobParts, lineJob } from "./line-job.js";
import type { TurnJobData } from "./payloads.js";

/** Runs that began as a recovery (their turn's stream was lost earlier): the recovery metric counts them. */
const recoveryRuns = new WeakSet<Job>();

/** Whether this run of a turn job began as a recovery. */
export function isRecoveryRun(job: Job): boolean {
  return recoveryRuns.has(job);
}

/** The thread's account and session, read as the run begins (beside the line's own reads). */
const earlyCalls = new WeakMap<Job, Promise<ThreadCalls>>();

/** The `turn` worker: one `/run_sse` per user message, never twice (see conversation/turn/). */
export function createTurnProcessor(deps: TurnDeps, parts: LineJobParts) {
  const processor = lineJob<TurnJobData>(
    parts,
    async (job, data, record, signal, ack, privately, settings) => {
      if (record.recoveryAttempt !== undefined) recoveryRuns.add(job);
      const turnDeps = privately ? { ...deps, outbox: privately } : deps;
      const outcome = await runTurn(turnDeps, {
        message: data,
        record,
        workId: job.id,
        signal,
        ack,
        settings,
        firstRun: isFirstRun(job),
        calls: earlyCalls.get(job),
      });
      if (outcome.kind === "done") return outcome;
      return { kind: "waiting", at: Date.now() + outcome.delayMs, record: outcome.record };
    },
    // The turn's session, credits check and quotas start while "On it…" is being posted.
    { ackBeside: true },
  );
  return (job: Job<TurnJobData>, token?: string, signal?: AbortSignal) => {
    // A first run at the head of its line runs at once: its thread's account and session are read
    // beside the line's reads (its sender's settings), not after them.
    if (isFirstRun(job) && job.data.joinedAtHead === true) {
      const { refKey, userId } = job.data;
      const calls = threadCalls(deps, parseRefKey(refKey), { userId, signal });
      calls.catch(() => undefined); // the turn reports its failure (a run refused before it never does)
      earlyCalls.set(job, calls);
    }
    return processor(job, token, signal);
  };
}
