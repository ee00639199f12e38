import { execFile } from "node:child_process";
import { open } from "node:fs/promises";
import { promisify } from "node:util";
import type { FileType } from "./media-types.js";
import { readMp4Info } from "./mp4-info.js";

const run = promisify(execFile);

/** Facts read from an uploaded file; a field is absent when it could not be read. */
export interface MediaInfo {
  /** Seconds. */
  duration?: number;
  width?: number;
  height?: number;
}

function positive(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : undefined;
}

/** `ffprobe -show_format -show_streams` as JSON; undefined when the program is missing or fails. */
async function ffprobeInfo(program: string, path: string): Promise<MediaInfo | undefined> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      program,
      ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
      { timeout: 15_000, maxBuffer: 4 * 1024 * 1024 },
    ));
  } catch {
    return undefined;
  }
  let parsed: { format?: { duration?: unknown }; streams?: Record<string, unknown>[] };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    return undefined;
  }
  const info: MediaInfo = {};
  const video = parsed.streams?.find((stream) => stream.codec_type === "video");
  const duration = positive(parsed.format?.duration) ?? positive(video?.duration);
  if (duration !== undefined) info.duration = Math.round(duration * 1000) / 1000;
  const width = positive(video?.width);
  const height = positive(video?.height);
  if (width !== undefined && height !== undefined) Object.assign(info, { width, height });
  return info;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads the file's own header: MP4/MOV boxes, or a PNG's IHDR. */
async function headerInfo(path: string): Promise<MediaInfo> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(24);
    const { bytesRead } = await file.read(head, 0, 24, 0);
    if (
      bytesRead >= 24 &&
      head.subarray(0, 8).equals(PNG_SIGNATURE) &&
      head.toString("latin1", 12, 16) === "IHDR"
    ) {
      return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
    }
    return (await readMp4Info(file)) ?? {};
  } catch {
    return {};
  } finally {
    await file.close();
  }
}

/**
 * What an uploaded file really is: `ffprobe` (when `ffprobe` names a program that runs), else the file's
 * header. Fields that cannot be read are left out; audio never gets a size.
 */
export async function probeMedia(path: string, type: FileType, ffprobe: string): Promise<MediaInfo> {
  const info = (ffprobe ? await ffprobeInfo(ffprobe, path) : undefined) ?? (await headerInfo(path));
  if (type === "audio") {
    const { width: _width, height: _height, ...rest } = info;
    return rest;
  }
  if (type === "image") {
    const { duration: _duration, ...rest } = info;
    return rest;
  }
  return info;
}
