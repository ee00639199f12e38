import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import {
  settingsFingerprint,
  settingsTag,
  withSettingsLine,
} from "../../core/conversation/generation-settings.js";
import { text } from "../../core/conversation/texts.js";
import { isNemoError, type NemoErrorCode } from "../../core/nemo/errors.js";
import type { MessageStream } from "../../core/nemo/message-stream.js";
import type { StateBaseline } from "../../core/nemo/state-diff.js";
import type { NemoState } from "../../core/nemo/types.js";
import type { SentRecord } from "../../store/sent-marker.js";
import { type Admitted, restartSession } from "./admit.js";
import { recover, startRecovery } from "./recover.js";
import { changeWords, deliverAnswer, reportChange } from "./report.js";
import type { TurnDeps } from "./turn-deps.js";
import { DONE, nemoCode, type TurnOutcome, type TurnRun } from "./turn-run.js";
import { followStream, type StreamOutcome } from "./turn-stream.js";

/** Errors that mean the backend refused the message: it did not act on it, so it may be sent later. */
const REFUSALS = new Set<NemoErrorCode>([
  "NEMO_OUT_OF_CREDITS",
  "NEMO_RATE_LIMITED",
  "NEMO_AUTH",
  "NEMO_BAD_REQUEST",
  "NEMO_SESSION_NOT_FOUND",
]);
/** Errors after which the backend may still be working on the message: recover from its state. */
const LOST_STREAM = new Set<NemoErrorCode>([
  "NEMO_STREAM_DROPPED",
  "NEMO_HEARTBEAT_TIMEOUT",
  "NEMO_STREAM_TIMEOUT",
  "NEMO_UNAVAILABLE",
]);

type StreamParts = Pick<
  TurnDeps,
  "client" | "sessions" | "sent" | "partials" | "outbox" | "timings" | "maxAnswerChars"
>;

/**
 * Settings (issue 21): the message as sent to `/run_sse`, after the settings line when the session has
 * not got these settings yet (docs/backend-protocol.md, "Generation settings").
 */
function withSettings(run: TurnRun, record: ConversationRecord): string {
  if (!pendingSettings(run, record)) return run.message.text;
  return withSettingsLine(run.settings, record.language, run.message.text);
}

/** The settings fingerprint to send (and remember once the message went through), if the session lacks it. */
function pendingSettings(run: TurnRun, record: ConversationRecord): string | undefined {
  const fingerprint = settingsFingerprint(run.settings);
  return fingerprint && fingerprint !== record.settingsSent ? fingerprint : undefined;
}

/** What one send works with: the session, the state before it, and the admitted turn's quotas. */
interface Send {
  record: ConversationRecord;
  /** The state before the message; null for a new project (nothing to compare with). */
  before: StateBaseline | null;
  admitted: Admitted;
  /** The backend lost the session: one new session, and the message sent there. */
  mayRestart: boolean;
}

/**
 * The stream stage: the sent marker is claimed (a message is never sent twice), then `/run_sse` is
 * followed into the progress message and the platform's live surface until the answer.
 */
export async function streamTurn(parts: StreamParts, run: TurnRun, admitted: Admitted): Promise<TurnOutcome> {
  try {
    return await claimAndSend(parts, run, {
      record: admitted.record,
      before: admitted.before,
      admitted,
      mayRestart: true,
    });
  } finally {
    await admitted.running.giveBack().catch(() => undefined);
  }
}

async function claimAndSend(parts: StreamParts, run: TurnRun, send: Send): Promise<TurnOutcome> {
  const { message } = run;
  const claim: SentRecord = { sessionId: send.record.sessionId, before: send.before, at: Date.now() };
  run.mayHaveBeenSent = true;
  if (!(await parts.sent.claim(message.inboundId, claim))) {
    await send.admitted.points.giveBack();
    const sent = (await parts.sent.read(message.inboundId)) ?? claim;
    run.known = sent;
    // Answered already (a first run reads no marker before its claim): nothing left to do.
    if (sent.answered) return DONE;
    return recover(parts, run, sent);
  }
  run.known = claim;
  run.log.info(
    { session: send.record.sessionId, account: run.calls?.account ? "user" : "bot" },
    "turn-sending",
  );
  const stream = parts.client.sendMessage(run.ctx, send.record.sessionId, withSettings(run, send.record), {
    hardCapMs: parts.timings.streamHardCapMs,
    heartbeatTimeoutMs: parts.timings.heartbeatTimeoutMs,
  });
  run.live = parts.outbox.liveTurn(run.ref, {
    prompt: message.text,
    firstInThread: send.admitted.firstInThread,
    userId: message.userId,
  });
  try {
    return await follow(parts, run, stream, send);
  } finally {
    await run.endLive(undefined);
  }
}

async function follow(
  parts: StreamParts,
  run: TurnRun,
  stream: MessageStream,
  send: Send,
): Promise<TurnOutcome> {
  const { inboundId } = run.message;
  const { quota } = send.admitted;
  let outcome: StreamOutcome;
  try {
    outcome = await followStream(stream, run.lang, run.progress, {
      live: run.live,
      stillWorkingMs: parts.timings.stillWorkingMs,
      maxAnswerChars: parts.maxAnswerChars,
      keep: (answer) => parts.partials.save(inboundId, answer),
      keepEveryMs: parts.timings.editThrottleMs,
      onTool: (name) => quota.toolCalled(name, run.log),
      settingsTag: settingsTag(run.settings),
    });
    await quota.sent(run.log);
    const settings = pendingSettings(run, send.record);
    if (settings) await parts.sessions.settingsSent(run.ref, settings);
  } catch (error) {
    return streamFailed(parts, run, { error, stream, send });
  }
  run.log.info({ stats: stream.stats, chars: outcome.text.length, cut: outcome.cut }, "turn-stream-ended");
  if (outcome.text.trim()) {
    // The whole answer is durable before its delivery: a worker dying now leaves it to the takeover.
    await parts.partials.save(inboundId, { ...outcome, ended: true });
    return deliverAnswer(parts, run, outcome);
  }
  return reportSilentTurn(parts, run, send);
}

/** The stream ended without text: what the message changed is the answer. */
async function reportSilentTurn(parts: StreamParts, run: TurnRun, send: Send): Promise<TurnOutcome> {
  let after: NemoState;
  try {
    after = await parts.client.state(run.ctx, send.record.sessionId);
  } catch (error) {
    // The message was taken; what it did is read again later rather than reported as a failure.
    run.log.warn({ code: nemoCode(error) }, "turn-silent-state-unreadable");
    return startRecovery(parts, run);
  }
  const words = changeWords(run, "silent_change_header", "silent_no_change", false);
  await reportChange(parts, run, { before: send.before, after }, words);
  return DONE;
}

/**
 * A refusal before any stream byte is checked once, later; a message the backend provably did not take
 * is released (sent on a new session when the old one is gone, else the error ends the turn); a stream
 * lost mid-way turns into a recovery. Anything else fails the turn.
 */
async function streamFailed(
  parts: StreamParts,
  run: TurnRun,
  failure: { error: unknown; stream: MessageStream; send: Send },
): Promise<TurnOutcome> {
  const { error, stream, send } = failure;
  const code = nemoCode(error);
  const aborted = run.signal?.aborted === true;
  if (code === "NEMO_REFUSED" && !aborted) {
    const status = statusOf(error);
    run.log.warn({ status }, "turn-refused");
    await run.progress.finish({ progress: text(run.lang, "refused_checking", { status }) });
    return run.waitFor(parts.timings.refusalCheckDelayMs, { refusedStatus: status });
  }
  if ((code !== undefined && REFUSALS.has(code)) || unreached(error)) {
    await parts.sent.release(run.message.inboundId);
    run.mayHaveBeenSent = false;
    run.known = undefined;
    if (code === "NEMO_SESSION_NOT_FOUND" && send.mayRestart) {
      const record = await restartSession(parts, run);
      return claimAndSend(parts, run, { ...send, record, before: null, mayRestart: false });
    }
    await send.admitted.points.giveBack();
    throw error;
  }
  if (code !== undefined && LOST_STREAM.has(code) && !aborted) {
    await send.admitted.quota.sent(run.log);
    run.log.warn({ code, stats: stream.stats }, "turn-stream-lost");
    return startRecovery(parts, run);
  }
  throw error;
}

/** The request never reached the backend (a connection refused before sending). */
function unreached(error: unknown): boolean {
  return (
    isNemoError(error) &&
    error.code === "NEMO_UNAVAILABLE" &&
    "requestMayHaveReached" in error &&
    error.requestMayHaveReached === false
  );
}

function statusOf(error: unknown): number {
  return isNemoError(error) && "status" in error && typeof error.status === "number" ? error.status : 0;
}
