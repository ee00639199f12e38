import type { CachedClaim, ClaimTokenCache } from "../core/nemo/claim-links.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** Claim tokens per session in RedisClient, each expiring a day before the backend's token does. */
export class RedisClaimCache extends RedisStore implements ClaimTokenCache {
  async get(sessionId: string): Promise<CachedClaim | undefined> {
    const raw = await this.redis.get(this.keys.claim(sessionId));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as CachedClaim;
      return typeof parsed.claimToken === "string" && typeof parsed.expiresAt === "number"
        ? parsed
        : undefined;
    } catch {
      return undefined;
    }
  }

  async set(sessionId: string, claim: CachedClaim, ttlMs: number): Promise<void> {
    await this.redis.set(
      this.keys.claim(sessionId),
      JSON.stringify(claim),
      "PX",
      // Bounded even if the backend's claim tokens ever live longer than 7 days.
      Math.max(1, Math.round(Math.min(ttlMs, KEY_TTL_SECONDS.claim * 1000))),
    );
  }
}
