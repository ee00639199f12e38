import { randomToken } from "./ids.js";

export interface TokenRecord {
  token: string;
  userId: string;
  /** The anonymous client id; "" for API tokens. */
  clientId: string;
  /** `Infinity` for API tokens. */
  expiresAt: number;
  kind: "anonymous" | "api";
  revoked: boolean;
}

/**
 * Tokens: anonymous ones (one per client id while valid; the user behind a client id never changes) and
 * API tokens of registered accounts (no expiry, revocable).
 */
export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly byClient = new Map<string, TokenRecord>();
  private readonly userByClient = new Map<string, string>();

  /** The client's valid token, or a new one (same user) when it has none. */
  issue(clientId: string, ttlMs: number, now = Date.now()): TokenRecord {
    const current = this.byClient.get(clientId);
    if (current && !current.revoked && current.expiresAt > now) return current;
    if (current) this.byToken.delete(current.token);
    let userId = this.userByClient.get(clientId);
    if (!userId) {
      userId = randomToken("anon_", 9);
      this.userByClient.set(clientId, userId);
    }
    const record: TokenRecord = {
      token: randomToken("nmv_usr_", 24),
      userId,
      clientId,
      expiresAt: now + ttlMs,
      kind: "anonymous",
      revoked: false,
    };
    this.byToken.set(record.token, record);
    this.byClient.set(clientId, record);
    return record;
  }

  /** Registers an API token for a registered account; throws when the token is taken. */
  addApiToken(token: string, userId: string): TokenRecord {
    if (this.byToken.has(token)) throw new Error("token already exists");
    const record: TokenRecord = {
      token,
      userId,
      clientId: "",
      expiresAt: Number.POSITIVE_INFINITY,
      kind: "api",
      revoked: false,
    };
    this.byToken.set(token, record);
    return record;
  }

  verify(token: string, now = Date.now()): TokenRecord | undefined {
    const record = this.byToken.get(token);
    return record && !record.revoked && record.expiresAt > now ? record : undefined;
  }

  /** The user a token was issued to, valid or not (until anonymous tokens are expired). */
  userOf(token: string): string | undefined {
    return this.byToken.get(token)?.userId;
  }

  /** The token stops working; false when unknown. */
  revoke(token: string): boolean {
    const record = this.byToken.get(token);
    if (!record) return false;
    record.revoked = true;
    return true;
  }

  /** Valid tokens of a user. */
  validCount(userId: string, now = Date.now()): number {
    let count = 0;
    for (const record of this.byToken.values()) {
      if (record.userId === userId && !record.revoked && record.expiresAt > now) count += 1;
    }
    return count;
  }

  /** Invalidates every anonymous token issued so far (API tokens do not expire). */
  expireAll(): void {
    for (const record of this.byClient.values()) this.byToken.delete(record.token);
    this.byClient.clear();
  }
}
