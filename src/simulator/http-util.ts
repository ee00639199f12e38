import type { IncomingMessage, ServerResponse } from "node:http";

/** JSON bodies above this are refused (drafts are small). */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** `{"code":N,"message":...,"data":...}`, the envelope of the non-render /api routes. */
export function sendEnvelope(res: ServerResponse, code: number, message: string, data: unknown = null): void {
  sendJson(res, 200, { code, message, data });
}

export function sendOk(res: ServerResponse, data: unknown): void {
  sendEnvelope(res, 0, "success", data);
}

/** An error envelope with a matching HTTP status (400 → HTTP 400 `{"code":400}`). */
export function sendHttpError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { code: status, message, data: null });
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

/** Reads and parses a JSON request body (an empty body is `{}`). */
export async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_JSON_BYTES) return { ok: false, error: "request body too large" };
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: "invalid JSON body" };
  }
}

/** The body as a JSON object (`{}` for any other JSON value); undefined once refused (default: HTTP 400). */
export async function readJsonObject(
  req: IncomingMessage,
  res: ServerResponse,
  refuse: (res: ServerResponse, error: string) => void = (res, error) => sendHttpError(res, 400, error),
): Promise<Record<string, unknown> | undefined> {
  const body = await readJson(req);
  if (!body.ok) {
    refuse(res, body.error);
    return undefined;
  }
  return isRecord(body.value) ? body.value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ATTRIBUTION_HEADERS = ["x-skill-source", "x-skill-version", "x-skill-platform"];

/** True when an X-Skill-* attribution header is missing or blank. */
export function isUnattributed(req: IncomingMessage): boolean {
  return ATTRIBUTION_HEADERS.some((name) => header(req, name).trim() === "");
}

/** The value of a single-valued header ("" when absent). */
export function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? "";
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
