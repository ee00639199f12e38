import type { ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import type { ImmediateFault } from "./faults.js";
import { proxyErrorPage, resetConnection, sendHtml, sendJson } from "./http-util.js";

const CODE_MESSAGES: Record<number, string> = {
  1001: "token invalid or expired",
  1002: "session not found",
  2001: "insufficient credits",
  4001: "unsupported file type",
  4002: "file too large",
};

/** Answers a request with an injected refusal (status, code, HTML page, late gateway timeout, reset). */
export async function sendFault(ctx: SimContext, res: ServerResponse, fault: ImmediateFault): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  switch (fault.kind) {
    case "code":
      return sendJson(res, 200, {
        code: fault.code,
        message: fault.message ?? CODE_MESSAGES[fault.code] ?? "error",
        data: fault.data ?? null,
      });
    case "status":
      if (fault.delayMs && !(await ctx.sleep(fault.delayMs))) return resetConnection(res);
      if (fault.html !== undefined) return sendHtml(res, fault.status, fault.html);
      if (fault.body !== undefined) return sendJson(res, fault.status, fault.body);
      res.writeHead(fault.status, { "Content-Length": 0 });
      res.end();
      return;
    case "html": {
      const status = fault.status ?? 502;
      return sendHtml(res, status, fault.body ?? proxyErrorPage(status));
    }
    case "timeout": {
      if (!(await ctx.sleep(fault.afterMs))) return resetConnection(res);
      const status = fault.status ?? 504;
      return sendHtml(res, status, proxyErrorPage(status));
    }
    case "reset":
      return resetConnection(res);
  }
}
