import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";

export const QUEUE_BOARD_PATH = "/queues";

/**
 * Bull Board (the queues' web view) as a plain node:http listener for everything under `/queues`.
 * Its Express adapter is used because Express already comes with Bolt; the board's app is called
 * directly with the path below `/queues`, as Express does for a mounted app.
 */
export function createQueueBoard(queues: Queue[]): (req: IncomingMessage, res: ServerResponse) => void {
  const adapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter });
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  return (req, res) => {
    const url = req.url ?? "/";
    req.url = url.slice(QUEUE_BOARD_PATH.length) || "/";
    if (!req.url.startsWith("/")) req.url = `/${req.url}`;
    app(req, res, () => {
      if (!res.headersSent) res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    });
  };
}
