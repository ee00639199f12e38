import type { Server } from "node:http";
import type { SimContext } from "./context.js";
import type { ResolvedOptions } from "./options.js";
import type { Fault, RecordedRequest, Route, Simulator } from "./types.js";

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

  runSseCount(sessionId: string): number {
    return this.ctx.sessions.runSseCount(sessionId);
  }

  expireTokens(): void {
    this.ctx.tokens.expireAll();
  }

  dropSession(sessionId: string): void {
    this.ctx.sessions.drop(sessionId);
  }

  setCredits(available: number): void {
    this.ctx.users.setAll(available);
    this.ctx.options.credits = available;
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
