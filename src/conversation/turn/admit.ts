import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import { buttons } from "../../core/conversation/replies.js";
import { text } from "../../core/conversation/texts.js";
import type { NemoState } from "../../core/nemo/types.js";
import type { QuotaRefusal } from "../../store/quotas.js";
import { quotaRefusalText } from "../policies/quota-replies.js";
import { heldByCreditsGuard } from "./credits-check.js";
import type { TurnDeps } from "./turn-deps.js";
import { TurnQuota } from "./turn-quota.js";
import { DONE, nemoCode, type TurnOutcome, type TurnRun } from "./turn-run.js";

export const EMPTY_STATE: NemoState = { draft: null, videoInfos: [], canvasConfig: null, generatedMedia: [] };

type AdmitParts = Pick<
  TurnDeps,
  "sessions" | "client" | "guard" | "sent" | "outbox" | "quotas" | "permissions" | "usage"
>;

/** Quota points held for one send; given back at most once (the backend refused it, or it never left). */
export interface QuotaHold {
  giveBack(): Promise<void>;
}

/** A turn cleared to send: its session, the state before it, and what it holds of the quotas. */
export interface Admitted {
  record: ConversationRecord;
  before: NemoState;
  /** The thread had no session before this message. */
  firstInThread: boolean;
  quota: TurnQuota;
  points: QuotaHold;
  /** The running slot, given back when the stream ends however it ends. */
  running: QuotaHold;
}

/**
 * The admit stage, before anything is sent: the thread's session (created if needed), the credits
 * guard, the state to compare with afterwards, then the quotas (this turn's points and a running slot).
 * A held or refused message ends the turn here.
 */
export async function admit(parts: AdmitParts, run: TurnRun): Promise<Admitted | TurnOutcome> {
  const { message } = run;
  const firstInThread = !(await parts.sessions.find(run.ref));
  let record = await parts.sessions.ensure(run.ref, message.language, run.signal, run.calls?.account);
  // After the session (creating one costs no credits, and fails fast when the backend is down).
  if (await heldByCreditsGuard(parts, run, firstInThread)) return DONE;
  let before: NemoState;
  try {
    before = await parts.client.state(run.ctx, record.sessionId);
  } catch (error) {
    if (nemoCode(error) !== "NEMO_SESSION_NOT_FOUND") throw error;
    record = await restartSession(parts, run);
    before = EMPTY_STATE;
  }
  const quota = new TurnQuota(parts, run.ref, message);
  const take = await quota.take();
  if (!take.ok) return refuseByQuota(parts, run, take.refusal);
  const points = once(take);
  const running = await quota.takeRunning();
  if (!running.ok) {
    await points.giveBack();
    return refuseByQuota(parts, run, running.refusal);
  }
  return { record, before, firstInThread, quota, points, running: once(running) };
}

/** The backend lost the thread's session: a new one, and the thread is told. */
export async function restartSession(
  parts: Pick<TurnDeps, "sessions" | "outbox">,
  run: TurnRun,
): Promise<ConversationRecord> {
  run.log.warn("turn-session-restarted");
  const record = await parts.sessions.create(run.ref, run.message.language, run.signal, run.calls?.account);
  await parts.outbox.post(run.ref, { text: text(run.lang, "session_restarted") });
  return record;
}

/** A limit is reached: nothing is sent; the user reads which, and when it resets. */
async function refuseByQuota(
  parts: Pick<TurnDeps, "sent">,
  run: TurnRun,
  refusal: QuotaRefusal,
): Promise<TurnOutcome> {
  const { lang, inboundId } = run.message;
  run.log.info({ limit: refusal.limit, scope: refusal.scope, max: refusal.max }, "turn-refused-quota");
  const retry = refusal.limit === "running";
  await run.progress.finish({
    text: quotaRefusalText(lang, refusal),
    tone: "error",
    ...(retry ? { actions: buttons(lang, ["retry"], inboundId) } : {}),
  });
  await parts.sent.markAnswered(inboundId, { retryOffered: retry });
  return DONE;
}

function once(hold: QuotaHold): QuotaHold {
  let given = false;
  return {
    giveBack: async () => {
      if (given) return;
      given = true;
      await hold.giveBack();
    },
  };
}
