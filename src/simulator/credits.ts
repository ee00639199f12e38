import type { ServerResponse } from "node:http";
import { sendOk } from "./http-util.js";
import { randomToken } from "./ids.js";

export interface UserAccount {
  id: string;
  available: number;
  /** Reserved by running generations. */
  frozen: number;
  /** Sent with 2001 so an anonymous user can bind the account on registration. */
  bindId: string;
  /** An account made with an API token (registered), not an anonymous one. */
  registered: boolean;
}

/** Users and their credits. */
export class UserLedger {
  private readonly users = new Map<string, UserAccount>();

  get(userId: string): UserAccount | undefined {
    return this.users.get(userId);
  }

  ensure(userId: string, startingCredits: number, registered = false): UserAccount {
    let account = this.users.get(userId);
    if (!account) {
      account = {
        id: userId,
        available: startingCredits,
        frozen: 0,
        bindId: randomToken("bind_", 9),
        registered,
      };
      this.users.set(userId, account);
    }
    return account;
  }

  /** The account whose id or bind id is `id`. */
  findByBind(id: string): UserAccount | undefined {
    return this.users.get(id) ?? [...this.users.values()].find((account) => account.bindId === id);
  }

  setAll(available: number): void {
    for (const account of this.users.values()) account.available = available;
  }

  /** Moves credits from available to frozen (work started). */
  freeze(account: UserAccount, amount: number): void {
    account.available -= amount;
    account.frozen += amount;
  }

  /** Spends frozen credits (work done). */
  spend(account: UserAccount, amount: number): void {
    account.frozen = Math.max(0, account.frozen - amount);
  }
}

export function balance(account: UserAccount): { available: number; frozen: number; total: number } {
  return { available: account.available, frozen: account.frozen, total: account.available + account.frozen };
}

/** `GET /api/credits/balance/simple` */
export function handleCredits(res: ServerResponse, account: UserAccount): void {
  sendOk(res, balance(account));
}
