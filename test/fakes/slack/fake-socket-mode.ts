import { EventEmitter } from "node:events";
import { type WebSocket, WebSocketServer } from "ws";
import { waitForChange } from "../../helpers/wait-for-change.js";

/**
 * A tiny Socket Mode server: greets every connection with Slack's `hello`, sends envelopes, and
 * records what the client sends back (acks: `{ envelope_id, payload }`).
 */
export class FakeSocketMode {
  readonly received: Record<string, unknown>[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly changes = new EventEmitter();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => {
        this.sockets.delete(socket);
        this.changes.emit("change");
      });
      socket.on("message", (data) => {
        this.received.push(JSON.parse(String(data)) as Record<string, unknown>);
        this.changes.emit("change");
      });
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "fake-socket", approximate_connection_time: 18060 },
          connection_info: { app_id: "A0FAKEAPP" },
        }),
      );
      this.changes.emit("change");
    });
  }

  static async start(): Promise<FakeSocketMode> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    return new FakeSocketMode(server, `ws://127.0.0.1:${port}/link/?ticket=fake-ticket&app_id=A0FAKEAPP`);
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends an `events_api` envelope to every connected client. */
  sendEvent(envelopeId: string, payload: Record<string, unknown>): void {
    const message = JSON.stringify({
      envelope_id: envelopeId,
      payload,
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: "",
    });
    for (const socket of this.sockets) socket.send(message);
  }

  /** Resolves once `predicate` holds (checked on every connection, message and close). */
  waitFor(predicate: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
    return waitForChange(this.changes, "change", predicate, timeoutMs, () => what);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
