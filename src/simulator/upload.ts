import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import busboy from "busboy";
import type { Call } from "./call.js";
import type { SimContext } from "./context.js";
import { readJsonObject, sendEnvelope, sendHttpError, sendOk } from "./http-util.js";
import { randomToken } from "./ids.js";
import { type MediaInfo, probeMedia } from "./media-info.js";
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

/** The historical made-up facts, for files that cannot be read while `unknownMediaInfo` is "invent". */
function invented(type: FileType): MediaInfo {
  if (type === "image") return { width: 1920, height: 1080 };
  return type === "audio" ? { duration: 30 } : { duration: 30, width: 1920, height: 1080 };
}

/** An entry with what was read from the file (`info`); what is missing is invented or left out (knob). */
function describe(
  ctx: SimContext,
  filename: string,
  type: FileType,
  size?: number,
  info: MediaInfo = {},
): UploadedEntry {
  const stored = `upload_${randomToken("", 6)}_${filename.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const entry: UploadedEntry = { filename, file_type: type, cdn_url: `${ctx.url}/files/${stored}` };
  const read = info.duration !== undefined || info.width !== undefined;
  const facts = read || ctx.options.unknownMediaInfo === "omit" ? info : invented(type);
  if (facts.duration !== undefined) entry.duration = facts.duration;
  if (facts.width !== undefined && facts.height !== undefined) {
    entry.width = facts.width;
    entry.height = facts.height;
  }
  if (size !== undefined) entry.size = size;
  return entry;
}

/**
 * Videos and images join `video_infos`; the first one becomes the video track when there is none. An image
 * (or an unreadable clip) shows for 5 s: in `video_infos` too while `unknownMediaInfo` is "invent".
 */
function addToState(ctx: SimContext, session: Session, entries: UploadedEntry[]): void {
  const state = session.state;
  for (const entry of entries) {
    if (entry.file_type === "audio") continue;
    const { width, height } = entry;
    const duration = entry.duration ?? (ctx.options.unknownMediaInfo === "invent" ? 5 : undefined);
    const known = { ...(duration === undefined ? {} : { duration }), ...(width ? { width, height } : {}) };
    state.video_infos.push({ url: entry.cdn_url, filename: entry.filename, ...known, type: entry.file_type });
    if (!hasVideo(state)) {
      putTrack(
        state,
        singleSegmentTrack(TRACK_VIDEO, (duration ?? 5) * 1000, {
          title: entry.filename,
          ...(width ? { width, height } : {}),
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
function uploadMultipart(call: Call): Promise<void> {
  const { ctx, req, res } = call;
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
  return withTempDir((dir) => receiveFiles(call, parser, dir));
}

/** A private temporary directory for the duration of `work`, removed afterwards. */
async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "nemo-sim-upload-"));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes a file part to `writer`, each chunk only when `keep(chunk)` says so; resolves with the bytes written
 * once the part has ended and the file is closed.
 */
function writePart(stream: Readable, writer: WriteStream, keep: (chunk: Buffer) => boolean): Promise<number> {
  let size = 0;
  const written = new Promise<void>((resolve) => writer.once("close", () => resolve()));
  stream.on("data", (chunk: Buffer) => {
    if (!keep(chunk)) return;
    size += chunk.length;
    writer.write(chunk);
  });
  const ended = new Promise<void>((resolve) =>
    stream.on("end", () => {
      writer.end();
      resolve();
    }),
  );
  return ended.then(() => written).then(() => size);
}

/** Each file is written to `dir` while counted, then read (duration, size) once complete. */
function receiveFiles({ ctx, req, res, session }: Call, parser: busboy.Busboy, dir: string): Promise<void> {
  const max = ctx.options.uploadMaxBytes;
  // The client may have gone while the directory was made: then nobody waits for an answer.
  if (res.destroyed || req.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const files: Promise<UploadedEntry>[] = [];
    const writers: WriteStream[] = [];
    let total = 0;
    let done = false;
    const finish = (respond: () => void): void => {
      if (done) return;
      done = true;
      for (const writer of writers) if (!writer.writableFinished) writer.destroy();
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
      const path = join(dir, String(files.length));
      const writer = createWriteStream(path);
      writer.on("error", () => undefined);
      writers.push(writer);
      const keep = (chunk: Buffer): boolean => {
        if (done) return false;
        total += chunk.length;
        if (total <= max) return true;
        fail(() => sendTooLarge(ctx, res));
        return false;
      };
      files.push(
        writePart(stream, writer, keep).then(async (size) =>
          describe(ctx, filename, type, size, await probeMedia(path, type, ctx.options.ffprobe)),
        ),
      );
    });
    parser.on("close", () => {
      if (done) return;
      if (files.length === 0) {
        fail(() => sendHttpError(res, 400, 'no files in the "files" field'));
        return;
      }
      Promise.all(files).then(
        (entries) =>
          finish(() => {
            addToState(ctx, session, entries);
            sendOk(res, { files: entries });
          }),
        () => fail(() => sendHttpError(res, 500, "could not store the upload")),
      );
    });
    parser.on("error", () => fail(() => sendHttpError(res, 400, "malformed multipart body")));
    req.on("aborted", () => finish(() => undefined));
    req.pipe(parser);
  });
}

/** `{"urls":[...],"source_type":"url"}`: nothing is fetched; names come from the URL paths. */
async function uploadUrls({ ctx, req, res, session }: Call): Promise<void> {
  const value = await readJsonObject(req, res);
  if (!value) return;
  const { urls } = value;
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
  addToState(ctx, session, files);
  sendOk(res, { files });
}

/** `POST /api/upload-video/nemo_agent/me/<sid>` */
export function handleUpload(call: Call): Promise<void> {
  const type = (call.req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) return uploadMultipart(call);
  if (type.includes("json")) return uploadUrls(call);
  sendHttpError(call.res, 400, "expected multipart/form-data (field files) or JSON {urls, source_type}");
  call.req.resume();
  return Promise.resolve();
}
