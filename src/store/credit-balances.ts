import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** Per account (`bot` = the bot's): its balance as last read, briefly, and whether it was warned of a low one. */
export class CreditBalances {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The balance kept by `keep`, while it lasts. */
  async cached(accountKey: string): Promise<number | undefined> {
    const cached = await this.redis.get(this.keys.balance(accountKey));
    return cached === null ? undefined : Number(cached);
  }

  /** Keeps a balance just read for `forMs` (at most `KEY_TTL_SECONDS.balance`). */
  async keep(accountKey: string, balance: number, forMs: number): Promise<void> {
    const ms = Math.min(forMs, KEY_TTL_SECONDS.balance * 1000);
    await this.redis.set(this.keys.balance(accountKey), String(balance), "PX", ms);
  }

  /** True the first time since the balance was last above the threshold (the warning is given then). */
  async warnOnce(accountKey: string): Promise<boolean> {
    const key = this.keys.lowBalanceWarned(accountKey);
    return (await this.redis.set(key, "1", "EX", KEY_TTL_SECONDS.lowBalanceWarned, "NX")) === "OK";
  }

  /** The balance is back above the threshold: a later drop warns again. */
  async clearWarning(accountKey: string): Promise<void> {
    await this.redis.del(this.keys.lowBalanceWarned(accountKey));
  }
}
