import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";

export const QUEUE_BOARD_PATH = "/queues";

/** Every read of the board is a GET (or HEAD); every change (add, retry, clean, empty …) is not. */
const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Bull Board (the queues' web view) as a plain node:http listener for everything under `/queues`.
 * Its Express adapter is used because Express already comes with Bolt; the board's app is called
 * directly with the path below `/queues`, as Express does for a mounted app. Read-only unless `writes`
 * (`ADMIN_BOARD_WRITES` with `ADMIN_TOKEN`): every queue in Bull Board's read-only mode, and any other
 * method than GET/HEAD answered 405 before the board sees it.
 */
export function createQueueBoard(
  queues: Queue[],
  options: { writes: boolean } = { writes: false },
): (req: IncomingMessage, res: ServerResponse) => void {
  const adapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  const readOnlyMode = !options.writes;
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
    serverAdapter: adapter,
  });
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  return (req, res) => {
    if (readOnlyMode && !READ_METHODS.has(req.method ?? "GET")) {
      res
        .writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" })
        .end("the queue board is read-only (ADMIN_BOARD_WRITES=true with ADMIN_TOKEN enables changes)\n");
      return;
    }
    const url = req.url ?? "/";
    req.url = url.slice(QUEUE_BOARD_PATH.length) || "/";
    if (!req.url.startsWith("/")) req.url = `/${req.url}`;
    app(req, res, () => {
      if (!res.headersSent) res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    });
  };
}
