import type { Server } from "node:http";
import type { SimContext } from "./context.js";
import { randomToken } from "./ids.js";
import type { ResolvedOptions } from "./options.js";
import type {
  AccountInfo,
  CreateAccountOptions,
  Fault,
  OutageInfo,
  OutageMode,
  RecordedRequest,
  Route,
  RunSseCounts,
  Simulator,
} from "./types.js";

/** The handle tests hold: knobs, recorded requests, fault injection, state inspection. */
export class SimulatorHandle implements Simulator {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: SimContext,
    private readonly server: Server,
  ) {}

  get url(): string {
    return this.ctx.url;
  }

  get options(): ResolvedOptions {
    return this.ctx.options;
  }

  set options(options: ResolvedOptions) {
    this.ctx.options = options;
  }

  get requests(): RecordedRequest[] {
    return this.ctx.requests;
  }

  inject(route: Route, fault: Fault, times = 1): void {
    this.ctx.faults.inject(route, fault, times);
  }

  clearFaults(route?: Route): void {
    this.ctx.faults.clear(route);
  }

  runSseCount(sessionId: string): number {
    return this.ctx.sessions.runSseCount(sessionId);
  }

  runSseCounts(sessionId: string): RunSseCounts {
    return this.ctx.sessions.runSseCounts(sessionId);
  }

  startOutage(options: { mode?: OutageMode; forMs?: number } = {}): Promise<void> {
    return this.ctx.outage.start(options.mode ?? "reset", options.forMs);
  }

  endOutage(): Promise<void> {
    return this.ctx.outage.end();
  }

  outage(): OutageInfo | undefined {
    return this.ctx.outage.current;
  }

  expireTokens(): void {
    this.ctx.tokens.expireAll();
  }

  createAccount(options: CreateAccountOptions = {}): { token: string; userId: string } {
    const userId = options.userId ?? randomToken("usr_", 9);
    const token = options.token ?? randomToken("nmv_usr_", 24);
    this.ctx.tokens.addApiToken(token, userId);
    const account = this.ctx.users.ensure(userId, options.balance ?? this.ctx.options.credits, true);
    account.registered = true;
    return { token, userId };
  }

  revokeToken(token: string): boolean {
    return this.ctx.tokens.revoke(token);
  }

  account(tokenOrUserId: string): AccountInfo | undefined {
    const userId = this.ctx.tokens.userOf(tokenOrUserId) ?? tokenOrUserId;
    const account = this.ctx.users.get(userId);
    if (!account) return undefined;
    return {
      userId,
      registered: account.registered,
      available: account.available,
      frozen: account.frozen,
      total: account.available + account.frozen,
      tokens: this.ctx.tokens.validCount(userId),
    };
  }

  setBalance(tokenOrUserId: string, available: number): boolean {
    const account = this.ctx.users.get(this.ctx.tokens.userOf(tokenOrUserId) ?? tokenOrUserId);
    if (account) account.available = available;
    return account !== undefined;
  }

  dropSession(sessionId: string): void {
    this.ctx.sessions.drop(sessionId);
  }

  setCredits(available: number): void {
    this.ctx.users.setAll(available);
    this.ctx.options.credits = available;
  }

  claim(claimToken: string): { taskId: string; sessionId: string; userId: string } | undefined {
    const claim = this.ctx.claims.resolve(claimToken);
    return claim && { taskId: claim.taskId, sessionId: claim.sessionId, userId: claim.userId };
  }

  sessions(): string[] {
    return this.ctx.sessions.ids();
  }

  state(sessionId: string): unknown {
    const session = this.ctx.sessions.get(sessionId);
    return session ? structuredClone(session.state) : undefined;
  }

  /** Stops timers and streams, drops every connection, stops listening. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.ctx.close();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }
}
