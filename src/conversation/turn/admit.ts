import type { ConversationRecord } from "../../core/conversation/conversation-store.js";
import { buttons } from "../../core/conversation/replies.js";
import { text } from "../../core/conversation/texts.js";
import type { StateBaseline } from "../../core/nemo/state-diff.js";
import type { QuotaAdmission, QuotaHold, QuotaRefusal } from "../../store/quotas.js";
import type { SentRecord } from "../../store/sent-marker.js";
import { quotaRefusalText } from "../policies/quota-replies.js";
import { creditsVerdict, heldByCredits } from "./credits-check.js";
import type { TurnDeps } from "./turn-deps.js";
import { TurnQuota } from "./turn-quota.js";
import { DONE, nemoCode, type TurnOutcome, type TurnRun } from "./turn-run.js";

type AdmitParts = Pick<
  TurnDeps,
  "sessions" | "client" | "guard" | "sent" | "outbox" | "quotas" | "permissions" | "usage"
>;

/** The thread's session for this turn, and the state to compare with afterwards (null: a new project). */
interface SessionBefore {
  record: ConversationRecord;
  before: StateBaseline | null;
}

/** A turn cleared to send: its session, the state before it, and what it holds of the quotas. */
export interface Admitted extends SessionBefore {
  /** The thread had no session before this message. */
  firstInThread: boolean;
  quota: TurnQuota;
  points: QuotaHold;
  /** The running slot, given back when the stream ends however it ends. */
  running: QuotaHold;
}

/**
 * The admit stage, before anything is sent. Three steps that need nothing of each other run side by
 * side: the thread's session (created for a new thread, which has no state to read; an existing
 * thread's state is read to compare with afterwards), the credits guard (a cached balance), and the
 * quotas (this turn's points and a running slot, one Redis step). A held or refused message ends the
 * turn here, giving back what it took.
 */
export async function admit(
  parts: AdmitParts,
  run: TurnRun,
): Promise<Admitted | TurnOutcome | { sent: SentRecord }> {
  const existing = run.calls ? run.calls.record : await parts.sessions.find(run.ref);
  const firstInThread = !existing;
  const quota = new TurnQuota(parts, run.ref, run.message);
  const sessionStep = existing ? stateBefore(parts, run, existing) : newSession(parts, run);
  const verdictStep = creditsVerdict(parts, run, firstInThread);
  const quotaStep = quota.admit();
  let session: SessionBefore;
  let verdict: Awaited<typeof verdictStep>;
  let admission: QuotaAdmission;
  try {
    [session, verdict, admission] = await Promise.all([sessionStep, verdictStep, quotaStep]);
  } catch (error) {
    // The first failure ends the turn at once (an unreachable backend is waited for); what the quota
    // step took is given back whenever it ends.
    for (const step of [sessionStep, verdictStep]) step.catch(() => undefined);
    void quotaStep.then(giveBack).catch(() => undefined);
    throw error;
  }
  // A first run read no sent marker: a message about to be answered without sending must not be one
  // that was sent already (its work added again under the same id).
  const held = verdict !== undefined && verdict.kind !== "go";
  if ((held || !admission.ok) && run.input.firstRun) {
    const sent = await parts.sent.read(run.message.inboundId);
    if (sent) {
      await giveBack(admission);
      return { sent };
    }
  }
  if (await heldByCredits(parts, run, verdict)) {
    await giveBack(admission);
    return DONE;
  }
  if (!admission.ok) return refuseByQuota(parts, run, admission.refusal);
  return {
    ...session,
    firstInThread,
    quota,
    points: once(admission.points),
    running: once(admission.running),
  };
}

/** Gives back what an admission took. */
async function giveBack(admission: QuotaAdmission): Promise<void> {
  if (admission.ok) await Promise.all([admission.points.giveBack(), admission.running.giveBack()]);
}

/** A new thread's session: nothing to read before its first message (null baseline: all of it is new). */
async function newSession(parts: Pick<AdmitParts, "sessions">, run: TurnRun): Promise<SessionBefore> {
  const record = await parts.sessions.create(run.ref, run.sessionLanguage, run.signal, run.calls?.account);
  return { record, before: null };
}

/** An existing session's state before this message; a session the backend lost is replaced. */
async function stateBefore(
  parts: Pick<AdmitParts, "client" | "sessions" | "outbox">,
  run: TurnRun,
  record: ConversationRecord,
): Promise<SessionBefore> {
  try {
    return { record, before: await parts.client.state(run.ctx, record.sessionId) };
  } catch (error) {
    if (nemoCode(error) !== "NEMO_SESSION_NOT_FOUND") throw error;
    return { record: await restartSession(parts, run), before: null };
  }
}

/** The backend lost the thread's session: a new one, and the thread is told. */
export async function restartSession(
  parts: Pick<TurnDeps, "sessions" | "outbox">,
  run: TurnRun,
): Promise<ConversationRecord> {
  run.log.warn("turn-session-restarted");
  const record = await parts.sessions.create(run.ref, run.sessionLanguage, run.signal, run.calls?.account);
  await parts.outbox.post(run.ref, { text: text(run.lang, "session_restarted") });
  return record;
}

/** A limit is reached: nothing is sent; the user reads which, and when it resets. */
async function refuseByQuota(
  parts: Pick<TurnDeps, "sent">,
  run: TurnRun,
  refusal: QuotaRefusal,
): Promise<TurnOutcome> {
  const { inboundId } = run.message;
  const lang = run.lang;
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
