import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./http-util.js";
import { fileTypeOf } from "./media-types.js";
import { SAMPLE_MP4, SAMPLE_PNG } from "./sample-mp4.js";

/** Parses a single `bytes=` range; undefined when absent, null when unsatisfiable. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return null;
  let start: number;
  let end: number;
  if (from === "") {
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start > end || start >= size) return null;
  return { start, end };
}

/** Sends bytes with Content-Length and single-range support (206 / 416). */
export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Buffer,
  contentType: string,
  extraHeaders: Record<string, string> = {},
): void {
  const size = bytes.length;
  const range = parseRange(req.headers.range, size);
  const headers = { "Content-Type": contentType, "Accept-Ranges": "bytes", ...extraHeaders };
  if (range === null) {
    res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}`, "Content-Length": 0 });
    res.end();
    return;
  }
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  if (range) {
    res.writeHead(206, {
      ...headers,
      "Content-Range": `bytes ${range.start}-${range.end}/${size}`,
      "Content-Length": body.length,
    });
  } else {
    res.writeHead(200, { ...headers, "Content-Length": size });
  }
  res.end(req.method === "HEAD" ? undefined : body);
}

export function sendMp4(req: IncomingMessage, res: ServerResponse, filename?: string): void {
  const extra: Record<string, string> = filename
    ? { "Content-Disposition": `attachment; filename="${filename}"` }
    : {};
  sendBytes(req, res, SAMPLE_MP4, "video/mp4", extra);
}

/** `GET /files/<name>` (no auth): videos are the sample MP4, images a 1x1 PNG. */
export function handleFile(req: IncomingMessage, res: ServerResponse, name: string): void {
  const type = fileTypeOf(name);
  if (type === "video") sendMp4(req, res);
  else if (type === "image") sendBytes(req, res, SAMPLE_PNG, "image/png");
  else sendJson(res, 404, { code: 404, message: "file not found", data: null });
}
