import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import type { UserAccount } from "./credits.js";
import { header, isRecord, readJson, sendEnvelope, sendHttpError, sendOk } from "./http-util.js";
import { randomToken } from "./ids.js";

export interface Claim {
  token: string;
  taskId: string;
  sessionId: string;
  userId: string;
  expiresAt: number;
}

/** Claim tokens: open one project in a browser, reusable until they expire. */
export class ClaimStore {
  private readonly claims = new Map<string, Claim>();

  issue(taskId: string, sessionId: string, userId: string, ttlMs: number, now = Date.now()): Claim {
    const claim = { token: randomToken("clm_", 18), taskId, sessionId, userId, expiresAt: now + ttlMs };
    this.claims.set(claim.token, claim);
    return claim;
  }

  /** The claim behind a valid (unexpired) token. */
  resolve(token: string, now = Date.now()): Claim | undefined {
    const claim = this.claims.get(token);
    return claim && claim.expiresAt > now ? claim : undefined;
  }
}

const ATTRIBUTION_HEADERS = ["x-skill-source", "x-skill-version", "x-skill-platform"];

/** `POST /api/auth/claim-token` {task_id, session_id} → {claim_token: "clm_…", expires_in} */
export async function handleClaimToken(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  account: UserAccount,
): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return sendHttpError(res, 400, body.error);
  if (ATTRIBUTION_HEADERS.some((name) => header(req, name).trim() === "")) {
    return sendHttpError(res, 400, "missing X-Skill-Source, X-Skill-Version or X-Skill-Platform header");
  }
  const value = isRecord(body.value) ? body.value : {};
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
