import type { CallContext, NemoClient } from "./client.js";
import { claimLink } from "./task-link.js";

/** A claim token kept for a session, until a little before it expires. */
export interface CachedClaim {
  claimToken: string;
  /** Epoch ms when the backend's token expires. */
  expiresAt: number;
}

/** Where claim tokens are kept per session (Redis in deployments): an entry lives `ttlMs`, then is gone. */
export interface ClaimTokenCache {
  get(sessionId: string): Promise<CachedClaim | undefined>;
  set(sessionId: string, claim: CachedClaim, ttlMs: number): Promise<void>;
}

/** A claim token this close to its expiry is replaced by a fresh one (links stay valid a while after posting). */
export const CLAIM_REFRESH_MARGIN_MS = 24 * 3600_000;

/**
 * "Open in NemoVideo" links: `<NEMO_WEB_URL>/workspace/claim?ct=<claim token>`. One claim token per
 * session (`POST /api/auth/claim-token`), cached and fetched again when it is near its expiry. The call
 * uses the thread's account (`ctx.token`): a project opens only for the account that owns it.
 */
export class ClaimLinks {
  constructor(
    private readonly client: Pick<NemoClient, "claimToken" | "webUrl">,
    private readonly cache: ClaimTokenCache,
    private readonly now: () => number = Date.now,
  ) {}

  async link(ctx: CallContext, project: { taskId: string; sessionId: string }): Promise<string> {
    const cached = await this.cache.get(project.sessionId);
    if (cached && cached.expiresAt - CLAIM_REFRESH_MARGIN_MS > this.now()) {
      return claimLink(this.client.webUrl, cached.claimToken);
    }
    const fresh = await this.client.claimToken(ctx, project.taskId, project.sessionId);
    const claim = { claimToken: fresh.claimToken, expiresAt: this.now() + fresh.expiresInMs };
    const keep = fresh.expiresInMs - CLAIM_REFRESH_MARGIN_MS;
    if (keep > 0) await this.cache.set(project.sessionId, claim, keep);
    return claimLink(this.client.webUrl, claim.claimToken);
  }
}
