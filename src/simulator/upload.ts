import type { IncomingMessage, ServerResponse } from "node:http";
import busboy from "busboy";
import type { SimContext } from "./context.js";
import { isRecord, readJson, sendEnvelope, sendHttpError, sendOk } from "./http-util.js";
import { randomToken } from "./ids.js";
import { ACCEPTED_EXTENSIONS, type FileType, fileTypeOf } from "./media-types.js";
import { hasVideo, putTrack, type Session, singleSegmentTrack, TRACK_VIDEO } from "./sessions/state.js";

/** One entry of `data.files[]`. */
export interface UploadedEntry {
  filename: string;
  file_type: FileType;
  cdn_url: string;
  duration?: number;
  width?: number;
  height?: number;
  size?: number;
}

function describe(ctx: SimContext, filename: string, type: FileType, size?: number): UploadedEntry {
  const stored = `upload_${randomToken("", 6)}_${filename.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const entry: UploadedEntry = { filename, file_type: type, cdn_url: `${ctx.url}/files/${stored}` };
  if (type !== "image") entry.duration = 30;
  if (type !== "audio") {
    entry.width = 1920;
    entry.height = 1080;
  }
  if (size !== undefined) entry.size = size;
  return entry;
}

/** Videos and images join `video_infos`; the first one becomes the video track when there is none. */
function addToState(session: Session, entries: UploadedEntry[]): void {
  const state = session.state;
  for (const entry of entries) {
    if (entry.file_type === "audio") continue;
    const duration = entry.duration ?? 5;
    state.video_infos.push({
      url: entry.cdn_url,
      filename: entry.filename,
      duration,
      width: entry.width ?? 1920,
      height: entry.height ?? 1080,
      type: entry.file_type,
    });
    if (!hasVideo(state)) {
      putTrack(
        state,
        singleSegmentTrack(TRACK_VIDEO, duration * 1000, {
          title: entry.filename,
          width: entry.width ?? 1920,
          height: entry.height ?? 1080,
        }),
      );
    }
  }
}

function sendUnsupported(res: ServerResponse, filename: string): void {
  sendEnvelope(res, 4001, `unsupported file type: ${filename}. Accepted: ${ACCEPTED_EXTENSIONS}`);
}

function sendTooLarge(ctx: SimContext, res: ServerResponse): void {
  sendEnvelope(res, 4002, `file too large (limit ${ctx.options.uploadMaxBytes} bytes)`);
}

/** Streams the multipart body through busboy, counting bytes and keeping none. */
function uploadMultipart(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
): Promise<void> {
  const max = ctx.options.uploadMaxBytes;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    sendTooLarge(ctx, res);
    req.resume();
    return Promise.resolve();
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, defParamCharset: "utf8" });
  } catch {
    sendHttpError(res, 400, "malformed multipart request");
    req.resume();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const files: UploadedEntry[] = [];
    let total = 0;
    let done = false;
    const finish = (respond: () => void): void => {
      if (done) return;
      done = true;
      respond();
      resolve();
    };
    /** Answers now; the rest of the body is drained unread. */
    const fail = (respond: () => void): void =>
      finish(() => {
        req.unpipe(parser);
        req.resume();
        respond();
      });

    parser.on("file", (field, stream, info) => {
      const filename = info.filename ?? "";
      const type = fileTypeOf(filename);
      if (done || field !== "files") {
        stream.resume();
        return;
      }
      if (!type) {
        stream.resume();
        fail(() => sendUnsupported(res, filename || "(no name)"));
        return;
      }
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        total += chunk.length;
        if (total > max) fail(() => sendTooLarge(ctx, res));
      });
      stream.on("end", () => {
        if (!done) files.push(describe(ctx, filename, type, size));
      });
    });
    parser.on("close", () => {
      if (files.length === 0) {
        fail(() => sendHttpError(res, 400, 'no files in the "files" field'));
        return;
      }
      finish(() => {
        addToState(session, files);
        sendOk(res, { files });
      });
    });
    parser.on("error", () => fail(() => sendHttpError(res, 400, "malformed multipart body")));
    req.on("aborted", () => finish(() => undefined));
    req.pipe(parser);
  });
}

/** `{"urls":[...],"source_type":"url"}`: nothing is fetched; names come from the URL paths. */
async function uploadUrls(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return sendHttpError(res, 400, body.error);
  const urls = isRecord(body.value) ? body.value.urls : undefined;
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url) => typeof url === "string")) {
    return sendHttpError(res, 400, "urls must be a non-empty array of strings");
  }
  const files: UploadedEntry[] = [];
  for (const url of urls as string[]) {
    let filename: string;
    try {
      const path = new URL(url).pathname;
      filename = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
    } catch {
      return sendHttpError(res, 400, `invalid url: ${url}`);
    }
    const type = fileTypeOf(filename);
    if (!type) return sendUnsupported(res, filename || url);
    files.push(describe(ctx, filename, type));
  }
  addToState(session, files);
  sendOk(res, { files });
}

/** `POST /api/upload-video/nemo_agent/me/<sid>` */
export function handleUpload(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  session: Session,
): Promise<void> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) return uploadMultipart(ctx, req, res, session);
  if (type.includes("json")) return uploadUrls(ctx, req, res, session);
  sendHttpError(res, 400, "expected multipart/form-data (field files) or JSON {urls, source_type}");
  req.resume();
  return Promise.resolve();
}
