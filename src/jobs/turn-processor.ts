import type { Job } from "bullmq";
import { runTurn } from "../conversation/turn/run-turn.js";
import type { TurnDeps } from "../conversation/turn/turn-deps.js";
import { isFirstRun, type LineJobParts, lineJob } from "./line-job.js";
import type { TurnJobData } from "./payloads.js";

/** Runs that began as a recovery (their turn's stream was lost earlier): the recovery metric counts them. */
const recoveryRuns = new WeakSet<Job>();

/** Whether this run of a turn job began as a recovery. */
export function isRecoveryRun(job: Job): boolean {
  return recoveryRuns.has(job);
}

/** The `turn` worker: one `/run_sse` per user message, never twice (see conversation/turn/). */
export function createTurnProcessor(deps: TurnDeps, parts: LineJobParts) {
  return lineJob<TurnJobData>(
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
      });
      if (outcome.kind === "done") return outcome;
      return { kind: "waiting", at: Date.now() + outcome.delayMs, record: outcome.record };
    },
    // The turn's session, credits check and quotas start while "On it…" is being posted.
    { ackBeside: true },
  );
}
