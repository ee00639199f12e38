import { randomUUID } from "node:crypto";
import type { KeyValueStore } from "../kv-store.js";
import { NemoAuthError } from "./errors.js";

export interface AnonymousToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The anonymous account's user id (its registration "bind" id), when the backend said it. */
  userId?: string | undefined;
}

export interface TokenProviderOptions {
  /** `NEMO_TOKEN`: an operator's token, used as is and never refreshed. */
  staticToken?: string | undefined;
  /** `NEMO_CLIENT_ID`: the client id for anonymous tokens; else generated once and persisted. */
  clientId?: string | undefined;
  store: KeyValueStore;
  /** Obtains an anonymous token for a client id (the backend call). */
  obtain: (clientId: string) => Promise<AnonymousToken>;
  now?: () => number;
}

const CLIENT_ID_KEY = "nemo:client-id";
const TOKEN_KEY = "nemo:anonymous-token";
/** Refresh a little before the backend's expiry so a call never leaves with a token about to die. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Supplies the bearer token. Anonymous tokens are cached (and persisted, since the backend hands
 * out only about ten per IP a week) until expiry; concurrent refreshes collapse into one request.
 */
export class TokenProvider {
  private cached: AnonymousToken | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TokenProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  get isOperatorToken(): boolean {
    return Boolean(this.options.staticToken);
  }

  /** The anonymous account's user id (for the operator's bind link); undefined with an operator token. */
  async anonymousUserId(): Promise<string | undefined> {
    if (this.options.staticToken) return undefined;
    return (this.cached ?? (await this.readStored()))?.userId;
  }

  /** The persisted client id (generated and stored on first use when not configured). */
  async clientId(): Promise<string> {
    if (this.options.clientId) return this.options.clientId;
    return this.options.store.setIfAbsent(CLIENT_ID_KEY, randomUUID());
  }

  async token(): Promise<string> {
    if (this.options.staticToken) return this.options.staticToken;
    if (this.isFresh(this.cached)) return this.cached.token;
    if (!this.inflight) {
      const stored = await this.readStored();
      if (this.isFresh(stored)) {
        this.cached = stored;
        return stored.token;
      }
    }
    return this.fetchOnce();
  }

  /**
   * Called when the backend rejected `rejected`. Returns a new token, or the one another caller
   * already fetched meanwhile. An operator token cannot be refreshed: that is the operator's to fix.
   */
  async refresh(rejected: string): Promise<string> {
    if (this.options.staticToken) {
      throw new NemoAuthError("the configured NEMO_TOKEN was rejected by the backend", true);
    }
    if (this.cached && this.cached.token !== rejected && this.isFresh(this.cached)) return this.cached.token;
    this.cached = undefined;
    // Another process may have refreshed it already: share its token rather than fetch another.
    const stored = await this.readStored();
    if (stored && stored.token !== rejected && this.isFresh(stored)) {
      this.cached = stored;
      return stored.token;
    }
    return this.fetchOnce();
  }

  private fetchOnce(): Promise<string> {
    this.inflight ??= (async () => {
      try {
        const fresh = await this.options.obtain(await this.clientId());
        this.cached = fresh;
        await this.options.store.set(TOKEN_KEY, JSON.stringify(fresh));
        return fresh.token;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private async readStored(): Promise<AnonymousToken | undefined> {
    const raw = await this.options.store.get(TOKEN_KEY);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as AnonymousToken;
      return typeof parsed.token === "string" && typeof parsed.expiresAt === "number" ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private isFresh(token: AnonymousToken | undefined): token is AnonymousToken {
    return token !== undefined && token.expiresAt - EXPIRY_MARGIN_MS > this.now();
  }
}
