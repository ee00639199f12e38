import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Attachment } from "../../core/conversation/inbound.js";
import { type ACCEPTED_EXTENSIONS, acceptedExtension } from "../../core/nemo/upload-rules.js";

const CONTENT_TYPES: Record<(typeof ACCEPTED_EXTENSIONS)[number], string> = {
  mp4: "video/mp4",
  mov: "video/quicktime",
  avi: "video/x-msvideo",
  webm: "video/webm",
  mkv: "video/x-matroska",
  jpg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  aac: "audio/aac",
};

/**
 * Describes a local file as an attachment with a `file://` URL. Rejects with a message fit to show the
 * user when the file is missing or not a regular file. An unaccepted type gets no content type and is
 * left to the core's upload rules, as on every other platform.
 */
export async function attachmentFromPath(path: string): Promise<Attachment> {
  const absolute = resolve(path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === "ENOENT" ? `File not found: ${path}` : `Cannot read ${path}: ${error.message}`,
    );
  });
  if (!info.isFile()) throw new Error(`Not a file: ${path}`);
  const name = basename(absolute);
  const ext = acceptedExtension(name) as keyof typeof CONTENT_TYPES | undefined;
  const attachment: Attachment = { name, size: info.size, url: pathToFileURL(absolute).href, auth: "none" };
  if (ext) attachment.contentType = CONTENT_TYPES[ext];
  return attachment;
}
