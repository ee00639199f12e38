import { randomToken } from "./ids.js";

export interface TokenRecord {
  token: string;
  userId: string;
  clientId: string;
  expiresAt: number;
}

/** Anonymous tokens: one per client id while valid; the user behind a client id never changes. */
export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly byClient = new Map<string, TokenRecord>();
  private readonly userByClient = new Map<string, string>();

  /** The client's valid token, or a new one (same user) when it has none. */
  issue(clientId: string, ttlMs: number, now = Date.now()): TokenRecord {
    const current = this.byClient.get(clientId);
    if (current && current.expiresAt > now) return current;
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
    };
    this.byToken.set(record.token, record);
    this.byClient.set(clientId, record);
    return record;
  }

  verify(token: string, now = Date.now()): TokenRecord | undefined {
    const record = this.byToken.get(token);
    return record && record.expiresAt > now ? record : undefined;
  }

  /** Invalidates every token issued so far. */
  expireAll(): void {
    this.byToken.clear();
    this.byClient.clear();
  }
}
