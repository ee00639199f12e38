import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../core/logger.js";
import { type Health, respondHealth } from "./health.js";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The gateway's public HTTP server on `PORT`: `/healthz` and mounted platform endpoints such as Slack's
 * `/slack/events` (OAuth routes later). Metrics and the queue board live on the admin port only.
 */
export class HttpServer {
  private readonly routes = new Map<string, RequestListener>();
  private readonly server: Server;

  constructor(
    private readonly health: Health,
    private readonly logger: Logger,
  ) {
    this.server = createServer((req, res) => void this.dispatch(req, res));
  }

  mount(path: string, listener: RequestListener): void {
    this.routes.set(path, listener);
  }

  listen(port: number, host = "0.0.0.0"): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === "object" && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    // A request for a mounted path as it is (no query, nothing to normalise) needs no URL parsing.
    const path = this.routes.has(url) ? url : new URL(url, "http://localhost").pathname;
    try {
      const mounted = this.routes.get(path);
      if (mounted) return mounted(req, res);
      if (path === "/healthz") return await respondHealth(this.health, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    } catch (error) {
      this.logger.error({ path, err: String(error) }, "http-error");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error\n");
    }
  }
}
