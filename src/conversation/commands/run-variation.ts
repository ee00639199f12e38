import { type ConversationRef, parseRefKey } from "../../core/conversation/conversation-ref.js";
import { withSettingsLine } from "../../core/conversation/generation-settings.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { CallContext } from "../../core/nemo/client.js";
import type { NemoState } from "../../core/nemo/types.js";
import type { QuotaHold } from "../../store/quotas.js";
import type { VariationBatch, VariationResult } from "../../store/variation-batches.js";
import { exemptScopesOf } from "../policies/permissions.js";
import { accountCalls } from "../thread-account.js";
import { TryLater } from "../work-queue.js";
import type { CommandHandler } from "./answers.js";
import { reportVariation } from "./variation-gallery.js";
import { type VariationParts, variationArg } from "./variation-parts.js";

type RunParts = Pick<
  VariationParts,
  | "variationBatches"
  | "accounts"
  | "client"
  | "sent"
  | "usage"
  | "quotas"
  | "permissions"
  | "outbox"
  | "timings"
  | "logger"
>;

/** How often a retried run reads the session's state while an earlier run of it may still stream. */
const STATE_POLL_MS = 3_000;
/** How long a variation waiting for a running slot of its starter stays delayed before asking again. */
const SLOT_RETRY_MS = 1_000;

/**
 * One variation (a `variation_run` a Start queued, run at once beside the others): its prompt is sent
 * to its own session once — the sent marker `<batch>:<k>` is claimed before `/run_sse` leaves, and a run
 * that finds it claimed (a retried job) never sends again but reads the session's state for the video.
 * The result goes into the batch; the batch's progress message counts it, and the last one posts the
 * gallery.
 */
export function runVariationCommand(parts: RunParts): CommandHandler {
  return async ({ inbound, intent }) => {
    const arg = intent.kind === "variation_run" ? intent.arg : undefined;
    const target = variationArg(arg);
    const batch = target ? await parts.variationBatches.read(target.id) : undefined;
    // Only the runs a Start queued: its batch claimed (not cancelled) and the run's own event id.
    const started = batch?.claimedBy !== undefined && !batch.claimedBy.startsWith("cancel:");
    if (!target || !batch || !started || inbound.id !== `${target.id}:run:${target.n}`) {
      parts.logger.warn({ trace: inbound.id, target: arg }, "variation-run-refused");
      return;
    }
    // The batch's own thread (the run's event names it too, but the batch is what was confirmed).
    const ref = parseRefKey(batch.refKey);
    const done = batch.results.has(target.n)
      ? batch.results.size
      : await parts.variationBatches.setResult(
          batch.id,
          target.n,
          await generate(parts, { ref, starter: inbound.user }, batch, target.n),
        );
    await reportVariation(parts, ref, batch.id, done);
  };
}

/** Sends the prompt to variation `n`'s session once, and finds the video it made. */
async function generate(
  parts: RunParts,
  where: { ref: ConversationRef; starter: Inbound["user"] },
  batch: VariationBatch,
  n: number,
): Promise<VariationResult> {
  const { ref } = where;
  const session = batch.sessions.get(n);
  if (!session) return { ok: false };
  const log = parts.logger.child({ batch: batch.id, variation: n, session: session.sessionId });
  const marker = `${batch.id}:${n}`;
  const ctx = await callsOf(parts, ref, batch);
  if (!ctx) {
    log.warn("variation-account-unlinked");
    return { ok: false };
  }
  // Streams count like turns: at most the starter's running limit of them at once (the rest wait as
  // delayed jobs, holding no worker slot, for as long as a stream may last).
  const slot = await runningSlot(parts, where, batch.id, n);
  if (!slot) {
    log.warn("variation-no-running-slot");
    return { ok: false };
  }
  const claim = { sessionId: session.sessionId, before: null, at: Date.now() };
  let streamed = false;
  if (await parts.sent.claim(marker, claim)) {
    log.info("variation-sending");
    try {
      const stream = parts.client.sendMessage(ctx, session.sessionId, variationPrompt(batch), {
        hardCapMs: parts.timings.streamHardCapMs,
        heartbeatTimeoutMs: parts.timings.heartbeatTimeoutMs,
      });
      // The gallery shows what each variation made; their words are not posted.
      for await (const _event of stream);
      streamed = true;
    } catch (error) {
      // Never sent again: whatever the session made is read below.
      log.warn({ err: String(error) }, "variation-stream-failed");
    } finally {
      await slot.giveBack().catch(() => undefined);
    }
  } else {
    await slot.giveBack().catch(() => undefined);
    const sent = await parts.sent.read(marker);
    log.info("variation-already-sent");
    return resultOf(
      await waitForVideo(parts, ctx, session.sessionId, (sent?.at ?? 0) + parts.timings.streamHardCapMs),
    );
  }
  const result = resultOf(await parts.client.state(ctx, session.sessionId).catch(() => undefined));
  // A variation that made its video is one generation (a turn too); one that did not, a turn.
  if (streamed) await parts.usage.record(ref, batch.by, result.ok ? "generations" : "turns");
  await parts.sent.markAnswered(marker, { known: claim });
  log.info({ ok: result.ok }, "variation-finished");
  return result;
}

/**
 * A running slot of the batch's starter; when none is free, the run is tried again later ({@link TryLater})
 * until it has waited as long as a stream may last (then undefined: the variation fails, nothing sent).
 */
async function runningSlot(
  parts: Pick<RunParts, "quotas" | "permissions" | "variationBatches" | "timings">,
  { ref, starter }: { ref: ConversationRef; starter: Inbound["user"] },
  batchId: string,
  n: number,
): Promise<QuotaHold | undefined> {
  const exempt = exemptScopesOf(await parts.permissions.quotaExemption(ref, starter));
  const admission = await parts.quotas.admit({ ref, userId: starter.id }, { running: true, exempt });
  if (admission.ok) return admission.running;
  const since = await parts.variationBatches.waitingSince(batchId, n);
  if (Date.now() >= since + parts.timings.streamHardCapMs) return undefined;
  throw new TryLater(SLOT_RETRY_MS);
}

/**
 * The source's prompt with the settings line a turn sends (each variation is a new session), with the
 * settings kept in the batch (the source sender's when 🎲 was clicked).
 */
function variationPrompt(batch: VariationBatch): string {
  return withSettingsLine(batch.settings ?? {}, batch.language, batch.prompt);
}

/**
 * The call context of the batch's account (the thread's when it was started); undefined when that was a
 * member's own account that is no longer linked (never the bot's account instead).
 */
async function callsOf(
  parts: Pick<RunParts, "accounts">,
  ref: ConversationRef,
  batch: VariationBatch,
): Promise<CallContext | undefined> {
  return accountCalls(parts.accounts, ref.platform, batch.account).catch(() => undefined);
}

/** A run retried after its prompt was sent: the session's state, read until a video shows or `until`. */
async function waitForVideo(
  parts: Pick<RunParts, "client">,
  ctx: CallContext,
  sessionId: string,
  until: number,
): Promise<NemoState | undefined> {
  for (;;) {
    const state = await parts.client.state(ctx, sessionId).catch(() => undefined);
    if (resultOf(state).ok || Date.now() >= until) return state;
    await new Promise((resolve) => setTimeout(resolve, STATE_POLL_MS));
  }
}

/** The newest generated video of a session (a new session: any video is the variation's). */
function resultOf(state: NemoState | undefined): VariationResult {
  const video = state?.generatedMedia.filter((media) => media.type === "video" && media.url).at(-1);
  return video?.url ? { ok: true, url: video.url } : { ok: false };
}
