import type { FileHandle } from "node:fs/promises";

/** What the MP4 header says: duration in seconds; the first video track's display size. */
export interface Mp4Info {
  duration?: number;
  width?: number;
  height?: number;
}

/** A `moov` larger than this is not read (real ones are kilobytes to a few megabytes). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the box's content (after its header). */
  start: number;
  /** Offset just after the box. */
  end: number;
}

/** The box at `offset` of `buffer` (within `limit`), undefined when its header is cut or inconsistent. */
function boxAt(buffer: Buffer, offset: number, limit: number): Box | undefined {
  if (offset + 8 > limit) return undefined;
  let size = buffer.readUInt32BE(offset);
  const type = buffer.toString("latin1", offset + 4, offset + 8);
  let header = 8;
  if (size === 1) {
    if (offset + 16 > limit) return undefined;
    size = Number(buffer.readBigUInt64BE(offset + 8));
    header = 16;
  } else if (size === 0) {
    size = limit - offset;
  }
  if (size < header || offset + size > limit) return undefined;
  return { type, start: offset + header, end: offset + size };
}

function children(buffer: Buffer, parent: Box): Box[] {
  const boxes: Box[] = [];
  for (let offset = parent.start; ; ) {
    const box = boxAt(buffer, offset, parent.end);
    if (!box) return boxes;
    boxes.push(box);
    offset = box.end;
  }
}

function child(buffer: Buffer, parent: Box, type: string): Box | undefined {
  return children(buffer, parent).find((box) => box.type === type);
}

/** `mvhd`: duration / timescale, in seconds. */
function movieDuration(buffer: Buffer, mvhd: Box): number | undefined {
  const version = buffer.readUInt8(mvhd.start);
  const at = mvhd.start + 4 + (version === 1 ? 16 : 8);
  if (at + (version === 1 ? 12 : 8) > mvhd.end) return undefined;
  const timescale = buffer.readUInt32BE(at);
  const duration = version === 1 ? Number(buffer.readBigUInt64BE(at + 4)) : buffer.readUInt32BE(at + 4);
  if (timescale === 0 || duration === 0xffffffff) return undefined;
  return Math.round((duration / timescale) * 1000) / 1000;
}

/** `tkhd`: width and height (16.16 fixed point) at the end of the box. */
function trackSize(buffer: Buffer, tkhd: Box): { width: number; height: number } | undefined {
  const version = buffer.readUInt8(tkhd.start);
  const at = tkhd.start + 4 + (version === 1 ? 32 : 20) + 8 + 8 + 36;
  if (at + 8 > tkhd.end) return undefined;
  return { width: buffer.readUInt32BE(at) >>> 16, height: buffer.readUInt32BE(at + 4) >>> 16 };
}

function handlerType(buffer: Buffer, trak: Box): string | undefined {
  const mdia = child(buffer, trak, "mdia");
  const hdlr = mdia && child(buffer, mdia, "hdlr");
  if (!hdlr || hdlr.start + 12 > hdlr.end) return undefined;
  return buffer.toString("latin1", hdlr.start + 8, hdlr.start + 12);
}

/** Reads a `moov` box (whole, in memory). */
function parseMoov(moov: Buffer): Mp4Info {
  const info: Mp4Info = {};
  const root = boxAt(moov, 0, moov.length);
  if (!root) return info;
  const mvhd = child(moov, root, "mvhd");
  const duration = mvhd && movieDuration(moov, mvhd);
  if (duration !== undefined) info.duration = duration;
  const tracks = children(moov, root).filter((box) => box.type === "trak");
  const video = tracks.find((trak) => handlerType(moov, trak) === "vide");
  const tkhd = video && child(moov, video, "tkhd");
  const size = tkhd && trackSize(moov, tkhd);
  if (size && size.width > 0 && size.height > 0) Object.assign(info, size);
  return info;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Duration and size from an MP4/MOV file's header (top-level boxes walked by their headers; `moov`, at the
 * start or the end, read whole). Undefined when the file is not an MP4.
 */
export async function readMp4Info(file: FileHandle): Promise<Mp4Info | undefined> {
  const { size } = await file.stat();
  const first = await readAt(file, 0, 16);
  if (
    first.length < 8 ||
    !["ftyp", "moov", "mdat", "free", "wide"].includes(first.toString("latin1", 4, 8))
  ) {
    return undefined;
  }
  for (let offset = 0; offset + 8 <= size; ) {
    const head = await readAt(file, offset, 16);
    let boxSize = head.readUInt32BE(0);
    if (boxSize === 1) {
      if (head.length < 16) return undefined;
      boxSize = Number(head.readBigUInt64BE(8));
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < 8 || offset + boxSize > size) return undefined;
    if (head.toString("latin1", 4, 8) === "moov") {
      if (boxSize > MAX_MOOV_BYTES) return undefined;
      return parseMoov(await readAt(file, offset, boxSize));
    }
    offset += boxSize;
  }
  return undefined;
}
