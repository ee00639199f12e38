import type { CallContext, NemoClient } from "../../core/nemo/client.js";
import type { CreditBalances } from "../../store/credit-balances.js";

/** The credits guard's settings (`CREDITS_GUARD_THRESHOLD`, `CREDITS_GENERATION_COST`, `CREDITS_EDIT_COST`). */
export interface CreditsGuardSettings {
  /** Below this balance a likely generation asks first; 0 turns the guard off. */
  threshold: number;
  generationCost: number;
  editCost: number;
  /** How long a balance read is reused (at most 60 s). */
  cacheMs?: number;
}

/** What the guard says about one message. */
export type GuardVerdict =
  | { kind: "go"; lowWarning?: { balance: number } }
  | { kind: "confirm"; balance: number; cost: number }
  | { kind: "refuse"; balance: number; cost: number };

/** Balances a process keeps in memory at most (beyond, the memory is emptied and refilled from Redis). */
const REMEMBERED_ACCOUNTS = 10_000;

/**
 * Before a message goes to the backend: its estimated cost (a clip for a likely generation, else an
 * editing session) against the account's balance, read at most every 60 s (cached per account in
 * Redis, shared by every process, and in this process's memory, so a turn usually costs no round trip).
 * Under the threshold a likely generation is held for Continue / Cancel; under the estimate any message
 * is refused. A low-balance warning is given once per crossing of the threshold (a flag cleared when
 * the balance is back above it).
 */
export class CreditsGuard {
  private readonly remembered = new Map<string, { balance: number; until: number }>();

  constructor(
    private readonly balances: CreditBalances,
    private readonly client: Pick<NemoClient, "credits">,
    readonly settings: CreditsGuardSettings,
  ) {}

  async check(
    ctx: CallContext,
    accountKey: string,
    message: { likelyGenerates: boolean; confirmed: boolean },
  ): Promise<GuardVerdict> {
    const { threshold, generationCost, editCost } = this.settings;
    if (threshold <= 0) return { kind: "go" };
    const { balance, fresh } = await this.balance(ctx, accountKey);
    if (balance >= threshold) {
      // Cleared when the balance is read anew (a remembered one was cleared when it was read).
      if (fresh) await this.balances.clearWarning(accountKey);
      return { kind: "go" };
    }
    const cost = message.likelyGenerates ? generationCost : editCost;
    if (balance < cost) return { kind: "refuse", balance, cost };
    if (message.likelyGenerates && !message.confirmed) return { kind: "confirm", balance, cost };
    return (await this.balances.warnOnce(accountKey))
      ? { kind: "go", lowWarning: { balance } }
      : { kind: "go" };
  }

  /**
   * The available balance, reused for up to `cacheMs` (at most 60 s): from this process's memory, else
   * Redis, else the backend (`fresh` unless it came from memory).
   */
  private async balance(ctx: CallContext, accountKey: string): Promise<{ balance: number; fresh: boolean }> {
    const now = Date.now();
    const known = this.remembered.get(accountKey);
    if (known && known.until > now) return { balance: known.balance, fresh: false };
    const cacheMs = Math.min(this.settings.cacheMs ?? 60_000, 60_000);
    let balance = await this.balances.cached(accountKey);
    if (balance === undefined) {
      ({ available: balance } = await this.client.credits(ctx));
      await this.balances.keep(accountKey, balance, cacheMs);
    }
    if (this.remembered.size >= REMEMBERED_ACCOUNTS) this.remembered.clear();
    this.remembered.set(accountKey, { balance, until: now + cacheMs });
    return { balance, fresh: true };
  }
}
