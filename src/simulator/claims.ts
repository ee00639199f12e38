import type { Call } from "./call.js";
import { isUnattributed, readJsonObject, sendEnvelope, sendHttpError, sendOk } from "./http-util.js";

/** `POST /api/auth/claim-token` {task_id, session_id} → {claim_token: "clm_…", expires_in} */
export async function handleClaimToken({ ctx, req, res, account }: Call): Promise<void> {
  const value = await readJsonObject(req, res);
  if (!value) return;
  if (isUnattributed(req)) {
    return sendHttpError(res, 400, "missing X-Skill-Source, X-Skill-Version or X-Skill-Platform header");
  }
  const { task_id: taskId, session_id: sessionId } = value;
  if (typeof taskId !== "string" || taskId === "" || typeof sessionId !== "string" || sessionId === "") {
    return sendHttpError(res, 400, "task_id and session_id are required");
  }
  const session = ctx.sessions.owned(sessionId, account.id);
  if (!session || session.taskId !== taskId) return sendEnvelope(res, 1002, "session not found");
  const ttl = ctx.options.claimTokenTtlMs;
  const claim = ctx.claims.issue(taskId, sessionId, account.id, ttl);
  sendOk(res, { claim_token: claim.token, expires_in: Math.round(ttl / 1000) });
}
