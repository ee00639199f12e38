import type { ServerResponse } from "node:http";
import type { SimContext } from "./context.js";
import type { ImmediateFault } from "./faults.js";
import { sendJson } from "./http-util.js";

const CODE_MESSAGES: Record<number, string> = {
  1001: "token invalid or expired",
  1002: "session not found",
  2001: "insufficient credits",
  4001: "unsupported file type",
  4002: "file too large",
};

const REASONS: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

/** The error page an nginx in front of the backend would send. */
export function proxyErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? "Error"}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export function sendHtml(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Drops the connection without a byte of response. */
export function resetConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (socket) socket.destroy();
  else res.destroy();
}

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
