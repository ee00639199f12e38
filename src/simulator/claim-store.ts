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
