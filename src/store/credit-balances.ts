import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** Per account (`bot` = the bot's): its balance as last read, briefly, and whether it was warned of a low one. */
export class CreditBalances extends RedisStore {
  /** The balance kept by `keep`, while it lasts. */
  async cached(accountKey: string): Promise<number | undefined> {
    const cached = await this.text(this.keys.balance(accountKey));
    return cached === undefined ? undefined : Number(cached);
  }

  /** Keeps a balance just read for `forMs` (at most `KEY_TTL_SECONDS.balance`). */
  async keep(accountKey: string, balance: number, forMs: number): Promise<void> {
    const ms = Math.min(forMs, KEY_TTL_SECONDS.balance * 1000);
    await this.redis.set(this.keys.balance(accountKey), String(balance), "PX", ms);
  }

  /** True the first time since the balance was last above the threshold (the warning is given then). */
  async warnOnce(accountKey: string): Promise<boolean> {
    return this.setFirst(this.keys.lowBalanceWarned(accountKey), "1", KEY_TTL_SECONDS.lowBalanceWarned);
  }

  /** The balance is back above the threshold: a later drop warns again. */
  async clearWarning(accountKey: string): Promise<void> {
    await this.redis.del(this.keys.lowBalanceWarned(accountKey));
  }
}
