import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

/** A gateway payload (API v10, JSON encoding). */
export interface GatewayPayload {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

/** What the gateway needs from the rest of the fake. */
export interface GatewayHost {
  token: string;
  heartbeatIntervalMs: number;
  /** Close IDENTIFYs asking for the Message Content intent with 4014 (not enabled in the portal). */
  rejectMessageContentIntent: boolean;
  /** READY's `d`, for a session of one shard (`[id, count]`). */
  ready(sessionId: string, shard: [number, number]): Record<string, unknown>;
  /** Dispatches to send right after READY (GUILD_CREATE of the shard's guilds). */
  afterReady(shard: [number, number]): { t: string; d: unknown }[];
  /** The payload a session with these intents gets for an event; undefined to skip it. */
  filter(t: string, d: unknown, intents: number): unknown;
}

interface Session {
  id: string;
  intents: number;
  /** `[shard id, shard count]` from IDENTIFY (`[0, 1]` when absent). */
  shard: [number, number];
  seq: number;
  /** Every dispatch sent (or due) to this session, for replay on RESUME. */
  log: { op: number; t: string; s: number; d: unknown }[];
  socket: WebSocket | undefined;
}

const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  invalidSession: 9,
  hello: 10,
  ack: 11,
} as const;

/**
 * A Discord gateway speaking v10 JSON without compression: HELLO, IDENTIFY → READY + GUILD_CREATE,
 * heartbeats → ACK, dispatches with sequence numbers, RESUME → replay of missed dispatches then
 * RESUMED. Sharding as Discord does it: IDENTIFY may carry `shard: [id, count]`; a guild's events go to
 * the sessions of shard `(guild_id >> 22) % count` only, DMs to shard 0; each shard's session resumes on
 * its own. Sessions of the same shard each get every dispatch of it (several unsharded bot processes
 * may be connected). Emits `identify` (intents, shard), `resumed` (session id, replayed count, shard)
 * and `closed`.
 */
export class FakeGateway extends EventEmitter {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  /**
   * On the next RESUME, also replay, from the first dispatch this matches on, what the client had
   * already received (at-least-once delivery, as after a resume on another gateway node).
   */
  replayAlsoFrom: ((t: string, d: unknown) => boolean) | undefined;
  /** Every IDENTIFY's intents, in order. */
  readonly identifies: number[] = [];
  /** Every IDENTIFY's shard (`[id, count]`), in order. */
  readonly identifiedShards: [number, number][] = [];
  /** Every dispatch sent, with the shard of the session it went to (first sending only, not replays). */
  readonly delivered: { shard: number; session: string; t: string; d: unknown }[] = [];
  /** How many RESUMEs were accepted. */
  resumes = 0;

  constructor(private readonly host: GatewayHost) {
    super();
    this.wss.on("connection", (socket) => this.accept(socket));
  }

  /** Takes over an HTTP upgrade request. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit("connection", ws, request));
  }

  /** Sends an event to every session (or keeps it for replay while a session is disconnected). */
  dispatch(t: string, d: unknown): void {
    const guildId =
      (d as { guild_id?: unknown } | undefined)?.guild_id ??
      (t.startsWith("GUILD_") ? (d as { id?: unknown }).id : undefined);
    for (const session of this.sessions.values()) {
      const [shard, count] = session.shard;
      const target = typeof guildId === "string" ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0;
      if (target !== shard) continue;
      const payload = this.host.filter(t, d, session.intents);
      if (payload === undefined) continue;
      const entry = { op: OP.dispatch, t, s: ++session.seq, d: payload };
      session.log.push(entry);
      this.delivered.push({ shard, session: session.id, t, d: payload });
      this.send(session.socket, entry);
    }
  }

  /** Drops every connection without a close frame (as a network failure); sessions stay resumable. */
  dropConnections(): void {
    for (const session of this.sessions.values()) {
      session.socket?.terminate();
      session.socket = undefined;
    }
  }

  /** Drops the connections of one shard only (as {@link dropConnections}); other shards stay up. */
  dropShard(shard: number): void {
    for (const session of this.sessions.values()) {
      if (session.shard[0] !== shard) continue;
      session.socket?.terminate();
      session.socket = undefined;
    }
  }

  /** Sessions with a live socket, optionally of one shard. */
  connectedShardSessions(shard: number): number {
    return [...this.sessions.values()].filter((session) => session.socket && session.shard[0] === shard)
      .length;
  }

  /** Sessions with a live socket. */
  get connectedSessions(): number {
    return [...this.sessions.values()].filter((session) => session.socket).length;
  }

  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    let session: Session | undefined;
    this.send(socket, { op: OP.hello, d: { heartbeat_interval: this.host.heartbeatIntervalMs } });
    socket.on("message", (raw: RawData) => {
      let payload: GatewayPayload;
      try {
        payload = JSON.parse(raw.toString()) as GatewayPayload;
      } catch {
        socket.close(4002, "Error while decoding payload.");
        return;
      }
      switch (payload.op) {
        case OP.heartbeat:
          this.send(socket, { op: OP.ack });
          return;
        case OP.identify:
          session = this.identify(
            socket,
            payload.d as { token?: string; intents?: number; shard?: [number, number] },
          );
          return;
        case OP.resume:
          session = this.resume(socket, payload.d as { token?: string; session_id?: string; seq?: number });
          return;
        default:
          return; // presence updates, member requests: ignored
      }
    });
    socket.on("close", (code) => {
      if (session?.socket === socket) {
        session.socket = undefined;
        // A normal close ends the session; anything else (4200 resuming, 1006) keeps it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.emit("closed", code);
    });
  }

  private identify(
    socket: WebSocket,
    d: { token?: string; intents?: number; shard?: [number, number] },
  ): Session | undefined {
    if (d.token !== this.host.token) {
      socket.close(4004, "Authentication failed.");
      return undefined;
    }
    const intents = d.intents ?? 0;
    const shard: [number, number] = d.shard ?? [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1])) {
      socket.close(4010, "Invalid shard.");
      return undefined;
    }
    this.identifies.push(intents);
    this.identifiedShards.push(shard);
    this.emit("identify", intents, shard);
    if (this.host.rejectMessageContentIntent && (intents & (1 << 15)) !== 0) {
      socket.close(4014, "Disallowed intent(s).");
      return undefined;
    }
    const session: Session = { id: randomUUID().replace(/-/g, ""), intents, shard, seq: 0, log: [], socket };
    this.sessions.set(session.id, session);
    const ready = { op: OP.dispatch, t: "READY", s: ++session.seq, d: this.host.ready(session.id, shard) };
    session.log.push(ready);
    this.send(socket, ready);
    for (const event of this.host.afterReady(shard)) {
      const entry = { op: OP.dispatch, t: event.t, s: ++session.seq, d: event.d };
      session.log.push(entry);
      this.send(socket, entry);
    }
    return session;
  }

  private resume(
    socket: WebSocket,
    d: { token?: string; session_id?: string; seq?: number },
  ): Session | undefined {
    const session = d.session_id ? this.sessions.get(d.session_id) : undefined;
    if (d.token !== this.host.token || !session) {
      this.send(socket, { op: OP.invalidSession, d: false });
      return undefined;
    }
    session.socket?.terminate();
    session.socket = socket;
    let from = d.seq ?? 0;
    const again = this.replayAlsoFrom && session.log.find((entry) => this.replayAlsoFrom!(entry.t, entry.d));
    if (again) from = Math.min(from, again.s - 1);
    this.replayAlsoFrom = undefined;
    const replay = session.log.filter((entry) => entry.s > from && entry.t !== "READY");
    for (const entry of replay) this.send(socket, entry);
    this.send(socket, { op: OP.dispatch, t: "RESUMED", s: ++session.seq, d: {} });
    this.resumes++;
    this.emit("resumed", session.id, replay.length, session.shard[0]);
    return session;
  }

  private send(socket: WebSocket | undefined, payload: GatewayPayload): void {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }
}
