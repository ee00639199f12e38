import type { Platform } from "../core/nemo/types.js";
import { accountOwner } from "../core/sealed-kinds.js";
import { type SecretBox, UnreadableSecretError } from "../core/secret-box.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";

/** How long a linked account is kept without being used (renewed on every use). */
export const ACCOUNT_TTL_SECONDS = 180 * 24 * 3600;

/** The id of a user's linked account: their platform and platform user id. */
export function accountIdOf(platform: Platform, userId: string): string {
  return `${platform}:${userId}`;
}

/** The platform user id a linked account's id names (the inverse of {@link accountIdOf}). */
export function accountHolderOf(accountId: string): string {
  return accountId.slice(accountId.indexOf(":") + 1);
}

/** `nmv_…` with all but its last 4 characters hidden: enough to tell two tokens apart, useless to anyone. */
export function maskToken(token: string): string {
  const tail = token.slice(-4);
  return `${token.startsWith("nmv_") ? "nmv_" : ""}••••${tail}`;
}

/** What may be shown about a linked account. */
export interface AccountInfo {
  masked: string;
  savedAt: number;
  /** False when no configured key opens its token any more (the key changed): its owner logs in again. */
  readable: boolean;
}

/**
 * Users' own NemoVideo tokens, sealed with AES-256-GCM (`SECRETS_KEY`) before they reach Redis: a
 * hash per account with the sealed token, its masked form and when it was linked. Without a key the
 * feature is off (`enabled` false) and nothing is stored.
 */
export class AccountStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly box: SecretBox | undefined,
  ) {}

  get enabled(): boolean {
    return this.box !== undefined;
  }

  /** Seals a token for a job's data (the login command): opened only with the same purpose. */
  sealFor(purpose: string, token: string): string | undefined {
    return this.box?.seal(token, purpose);
  }

  openFor(purpose: string, sealed: string): string | undefined {
    return this.box?.open(sealed, purpose);
  }

  async save(accountId: string, token: string): Promise<AccountInfo> {
    if (!this.box) throw new Error("accounts are off: SECRETS_KEY is not set");
    const key = this.keys.account(accountId);
    const info = { masked: maskToken(token), savedAt: Date.now(), readable: true };
    await this.redis
      .multi()
      .del(key)
      .hset(key, {
        sealed: this.box.seal(token, accountOwner(accountId)),
        masked: info.masked,
        savedAt: String(info.savedAt),
      })
      .expire(key, ACCOUNT_TTL_SECONDS)
      .exec();
    return info;
  }

  /**
   * The account's token, or undefined when it is not linked. Throws `SECRET_UNREADABLE`
   * ({@link UnreadableSecretError}) when it is linked but no configured key opens it (or there is no
   * key any more): the thread must not silently run on the shared account instead.
   */
  async token(accountId: string): Promise<string | undefined> {
    const sealed = await this.redis.hget(this.keys.account(accountId), "sealed");
    if (!sealed) return undefined;
    if (!this.box) throw new UnreadableSecretError("account", "unknown-key");
    await this.redis.expire(this.keys.account(accountId), ACCOUNT_TTL_SECONDS);
    return this.box.decrypt(sealed, accountOwner(accountId), "account");
  }

  /** What may be shown about the account, and whether its token can still be opened. */
  async info(accountId: string): Promise<AccountInfo | undefined> {
    const hash = await this.redis.hgetall(this.keys.account(accountId));
    if (!hash.masked) return undefined;
    const readable =
      !!hash.sealed && this.box?.open(hash.sealed, accountOwner(accountId), "account") !== undefined;
    return { masked: hash.masked, savedAt: Number(hash.savedAt ?? 0), readable };
  }

  /** Unlinks the account; true when there was one. */
  async remove(accountId: string): Promise<boolean> {
    return (await this.redis.del(this.keys.account(accountId))) > 0;
  }
}
