import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { Logger } from "../core/logger.js";
import { hostForLog, isAllowedAdminHost, refuseAdminHost } from "./admin-host-check.js";
import { type Health, respondHealth } from "./health.js";
import { QUEUE_BOARD_PATH } from "./queue-board.js";

export interface AdminServerOptions {
  health: Health;
  registry: Registry;
  /** The queue board's listener (Bull Board), served under `/queues`. */
  board: (req: IncomingMessage, res: ServerResponse) => void;
  /** `ADMIN_TOKEN`: when set, `/metrics` and `/queues` need `Authorization: Bearer <token>` (or Basic). */
  token?: string | undefined;
  /** `ADMIN_ALLOWED_HOSTS`: without a token, only loopback names and these are answered (421 otherwise). */
  allowedHosts?: readonly string[] | undefined;
  logger: Logger;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * The admin port of every process (gateway and each worker), loopback by default: `/healthz` (open,
 * for container healthchecks), `/metrics` (Prometheus) and `/queues` (Bull Board), the last two
 * behind the optional bearer token.
 */
export class AdminServer {
  private readonly server: Server;
  private readonly tokenDigest: Buffer | undefined;

  constructor(private readonly options: AdminServerOptions) {
    this.tokenDigest = options.token ? digest(options.token) : undefined;
    this.server = createServer((req, res) => void this.dispatch(req, res));
  }

  /** Listens; resolves to the port (the one the OS chose when `port` is 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    try {
      if (path === "/healthz") return await respondHealth(this.options.health, res);
      if (!this.tokenDigest && !isAllowedAdminHost(req.headers.host, this.options.allowedHosts ?? [])) {
        this.options.logger.warn({ path, host: hostForLog(req) }, "admin-host-refused");
        return refuseAdminHost(res);
      }
      const board = path === QUEUE_BOARD_PATH || path.startsWith(`${QUEUE_BOARD_PATH}/`);
      if (path !== "/metrics" && !board) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
      if (!this.authorized(req)) {
        // Browsers prompt for Basic (any user name, the token as password); scrapers send Bearer.
        const scheme = board ? "Basic" : "Bearer";
        res
          .writeHead(401, { "content-type": "text/plain", "www-authenticate": `${scheme} realm="admin"` })
          .end("unauthorized\n");
        return;
      }
      if (board) return this.options.board(req, res);
      const body = await this.options.registry.metrics();
      res.writeHead(200, { "content-type": this.options.registry.contentType }).end(body);
    } catch (error) {
      this.options.logger.error({ path, err: String(error) }, "admin-http-error");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error\n");
    }
  }

  /**
   * `Bearer <token>`, or Basic with the token as password; digests of equal length are compared in
   * constant time, and the token itself is never logged.
   */
  private authorized(req: IncomingMessage): boolean {
    if (!this.tokenDigest) return true;
    const [scheme = "", value = ""] = (req.headers.authorization ?? "").trim().split(/\s+/, 2);
    const given =
      scheme.toLowerCase() === "bearer"
        ? value
        : scheme.toLowerCase() === "basic"
          ? Buffer.from(value, "base64").toString("utf8").split(":").slice(1).join(":")
          : "";
    return given !== "" && timingSafeEqual(digest(given), this.tokenDigest);
  }
}
