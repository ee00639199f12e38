import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import type { Logger } from "../core/logger.js";
import type { Metrics } from "./metrics.js";

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The process's HTTP server on `PORT`: `/healthz` (Redis reachable), `/metrics` (Prometheus), and
 * mounted platform endpoints such as Slack's `/slack/events`.
 */
export class HttpServer {
  private readonly routes = new Map<string, RequestListener>();
  private readonly server: Server;

  constructor(
    private readonly redis: Redis,
    private readonly metrics: Metrics,
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
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    try {
      const mounted = this.routes.get(path);
      if (mounted) return mounted(req, res);
      if (path === "/healthz") return await this.health(res);
      if (path === "/metrics") {
        const body = await this.metrics.registry.metrics();
        res.writeHead(200, { "content-type": this.metrics.registry.contentType }).end(body);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    } catch (error) {
      this.logger.error({ path, err: String(error) }, "http-error");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error\n");
    }
  }

  private async health(res: ServerResponse): Promise<void> {
    const redis = await Promise.race([
      this.redis.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
    ]);
    res
      .writeHead(redis ? 200 : 503, { "content-type": "application/json" })
      .end(JSON.stringify({ status: redis ? "ok" : "degraded", redis: redis ? "up" : "down" }));
  }
}
