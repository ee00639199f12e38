import type { IncomingMessage, ServerResponse } from "node:http";
import type { Call } from "./call.js";
import type { SimContext } from "./context.js";
import { isImmediate, isStreamFault } from "./faults.js";
import { isRecord, readJson, sendEnvelope, sendHttpError } from "./http-util.js";
import type { ResolvedOptions } from "./options.js";
import { sendOutage } from "./outage.js";
import { sendFault } from "./refusals.js";
import { classifyMessage, type Intent, replyLanguage } from "./sessions/intents.js";
import { questionIntent } from "./sessions/questions.js";
import { buildScript, type Step } from "./sessions/script.js";
import { type SimSettings, takeSettingsLine } from "./sessions/settings-line.js";
import { hasVideo } from "./sessions/state.js";
import { SseStream } from "./sse.js";
import type { OutageMode, RecordedRequest } from "./types.js";

interface RunSseBody {
  sessionId: string;
  text: string;
}

/** Validates the snake_case body; returns the fields or an error message. */
export function parseRunSseBody(body: unknown): RunSseBody | string {
  if (!isRecord(body)) return "body must be a JSON object";
  if (body.app_name !== "nemo_agent") return "app_name must be nemo_agent";
  if (typeof body.session_id !== "string" || body.session_id === "") return "session_id is required";
  const message = body.new_message;
  const parts = isRecord(message) ? message.parts : undefined;
  const first: unknown = Array.isArray(parts) ? parts[0] : undefined;
  const text = isRecord(first) ? first.text : undefined;
  if (typeof text !== "string" || text.trim() === "") return "new_message.parts[0].text is required";
  return { sessionId: body.session_id, text };
}

/** The fields of the request's body, or why it is not a valid `/run_sse` body. */
async function readRunSseBody(req: IncomingMessage): Promise<RunSseBody | string> {
  const body = await readJson(req);
  return body.ok ? parseRunSseBody(body.value) : body.error;
}

/**
 * Plays the steps. Output goes to the stream only while it is alive; time and state effects go on after
 * the client is gone (the backend keeps working), until the simulator closes.
 */
export async function runSteps(ctx: SimContext, stream: SseStream, steps: Step[]): Promise<void> {
  for (const step of steps) {
    switch (step.kind) {
      case "text":
        stream.text(step.text);
        break;
      case "tool-call":
        stream.toolCall(step.name, step.args);
        break;
      case "tool-result":
        stream.toolResult(step.name, step.result);
        break;
      case "effect":
        step.apply();
        break;
      case "work": {
        stream.startHeartbeats(ctx.options.heartbeatIntervalMs);
        const finished = await ctx.sleep(step.ms);
        stream.stopHeartbeats();
        if (!finished) return;
        break;
      }
    }
  }
}

/** `POST /run_sse` */
export async function handleRunSse({ ctx, req, res, account, record }: Call): Promise<void> {
  const parsed = await readRunSseBody(req);
  if (typeof parsed === "string") return sendHttpError(res, 400, parsed);
  record.sessionId = parsed.sessionId;
  record.message = parsed.text;
  // An immediate fault is the backend refusing the request: the message is not processed, and is counted
  // as refused.
  const immediate = ctx.faults.take("run_sse", isImmediate);
  if (immediate) {
    record.outcome = "refused";
    ctx.sessions.countRefused(parsed.sessionId);
    return sendFault(ctx, res, immediate);
  }
  const session = ctx.sessions.owned(parsed.sessionId, account.id);
  if (!session) return sendEnvelope(res, 1002, "session not found");
  session.runSseCount += 1;
  record.outcome = "accepted";

  const { options } = ctx;
  // Settings (issue 21): a leading settings line is kept on the session, the rest is the message.
  const { settings, text } = takeSettingsLine(parsed.text);
  if (settings) session.settings = { ...session.settings, ...definedOf(settings) };
  const intent = questionIntent(text, session) ?? classifyMessage(text, hasVideo(session.state));
  const cost = turnCost(intent, options);
  if (cost > 0 && account.available < cost) {
    const data = account.registered ? null : { bind_id: account.bindId, user_id: account.id };
    return sendEnvelope(res, 2001, "insufficient credits", data);
  }

  const fault = ctx.faults.take("run_sse", isStreamFault);
  const stream = new SseStream(res, {
    dialect: options.dialect,
    chunkText: options.chunkText,
    ...(fault?.kind === "disconnect" ? { disconnectAfter: fault.afterEvents } : {}),
    ...(fault?.kind === "malformed" ? { malformed: fault.count } : {}),
    ...(fault?.kind === "pause" ? { pause: { afterEvents: fault.afterEvents, ms: fault.ms } } : {}),
    heartbeatIntervalMs: options.heartbeatIntervalMs,
  });
  stream.start();
  if (fault?.kind === "heartbeats-only") {
    stream.startHeartbeats(options.heartbeatIntervalMs);
    await stream.closed;
    return;
  }
  const steps = buildScript(intent, {
    session,
    charge: {
      freeze: (amount) => ctx.users.freeze(account, amount),
      spend: (amount) => ctx.users.spend(account, amount),
    },
    options,
    baseUrl: ctx.url,
    lang: replyLanguage(text, session.language),
  });
  await runSteps(ctx, stream, steps);
  stream.end();
  record.endedAt = Date.now();
}

/** What the turn costs when it runs: a generation, an edit, or nothing (chat). */
function turnCost(intent: Intent, options: ResolvedOptions): number {
  if (intent.kind === "generate") return options.generationCost;
  // Chat, and the agent's questions (quick replies), cost nothing.
  return ["chat", "ask-style", "ask-music", "no-music"].includes(intent.kind) ? 0 : options.editCost;
}

/** `/run_sse` while the backend is down: the request is read (to count it on its session), then refused. */
export async function refuseRunSse(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
  mode: OutageMode,
): Promise<void> {
  const parsed = await readRunSseBody(req);
  record.outcome = "refused";
  if (typeof parsed !== "string") {
    record.sessionId = parsed.sessionId;
    record.message = parsed.text;
    ctx.sessions.countRefused(parsed.sessionId);
  }
  sendOutage(res, mode);
}

/** The fields a settings line named (an unnamed one keeps what an earlier line chose). */
function definedOf(settings: SimSettings): SimSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}
