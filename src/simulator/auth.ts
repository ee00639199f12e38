import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import type { UserAccount } from "./credits.js";
import { header, sendHttpError, sendJson, sendOk } from "./http-util.js";

/** The account behind the request's bearer token, if the token is valid. */
export function authenticate(ctx: SimContext, req: IncomingMessage): UserAccount | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(req, "authorization"));
  const token = match?.[1];
  if (!token) return undefined;
  const record = ctx.tokens.verify(token);
  return record ? ctx.users.ensure(record.userId, ctx.options.credits, record.kind === "api") : undefined;
}

/** 1001 as an HTTP 200 envelope or as HTTP 401, per `authErrorForm`. */
export function sendAuthError(ctx: SimContext, res: ServerResponse): void {
  const body = { code: 1001, message: "token invalid or expired", data: null };
  sendJson(res, ctx.options.authErrorForm === "http" ? 401 : 200, body);
}

/** `POST /api/auth/anonymous-token` */
export function handleAnonymousToken(ctx: SimContext, req: IncomingMessage, res: ServerResponse): void {
  const clientId = header(req, "x-client-id").trim();
  if (!clientId) {
    sendHttpError(res, 400, "missing X-Client-Id header");
    return;
  }
  const record = ctx.tokens.issue(clientId, ctx.options.tokenTtlMs);
  const account = ctx.users.ensure(record.userId, ctx.options.credits);
  sendOk(res, {
    token: record.token,
    user_id: record.userId,
    credits: account.available,
    expires_at: new Date(record.expiresAt).toISOString(),
  });
}
