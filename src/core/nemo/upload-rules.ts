import { NemoFileTooLargeError, NemoUnsupportedFileError } from "./errors.js";

/** File types the backend accepts (docs/backend-protocol.md, "Endpoints"). */
export const ACCEPTED_EXTENSIONS = [
  "mp4",
  "mov",
  "avi",
  "webm",
  "mkv",
  "jpg",
  "png",
  "gif",
  "webp",
  "mp3",
  "wav",
  "m4a",
  "aac",
] as const;

const CONTENT_TYPE_EXTENSIONS: Record<string, string> = {
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/x-msvideo": "avi",
  "video/webm": "webm",
  "video/x-matroska": "mkv",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "audio/mpeg": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "aac",
};

/** Default ceiling for the pre-check; deployments accept 200–500 MB and the backend's 4002 stays authoritative. */
export const DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024;

/** The accepted extension of a file, from its name or else its content type; undefined when not accepted. */
export function acceptedExtension(name: string, contentType?: string): string | undefined {
  const dot = name.lastIndexOf(".");
  let ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (ext === "jpeg") ext = "jpg";
  if ((ACCEPTED_EXTENSIONS as readonly string[]).includes(ext)) return ext;
  if (dot < 0 && contentType) return CONTENT_TYPE_EXTENSIONS[contentType.split(";")[0]!.trim().toLowerCase()];
  return undefined;
}

/** Checks type and declared size before any byte is sent; throws the same errors as the backend's 4001/4002. */
export function assertUploadable(
  file: { name: string; size?: number | undefined; contentType?: string | undefined },
  maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
): void {
  if (!acceptedExtension(file.name, file.contentType)) {
    throw new NemoUnsupportedFileError(`unsupported file type: ${file.name}`, ACCEPTED_EXTENSIONS);
  }
  if (file.size !== undefined && file.size > maxBytes) {
    throw new NemoFileTooLargeError(`file too large: ${file.size} bytes > ${maxBytes}`, maxBytes);
  }
}

/** Splits files into those the backend may accept and those refused before any byte is sent, with why. */
export function uploadableAttachments<
  T extends { name: string; size?: number | undefined; contentType?: string | undefined },
>(
  files: readonly T[],
  maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
): { accepted: T[]; refused: { file: T; error: unknown }[] } {
  const accepted: T[] = [];
  const refused: { file: T; error: unknown }[] = [];
  for (const file of files) {
    try {
      assertUploadable(file, maxBytes);
      accepted.push(file);
    } catch (error) {
      refused.push({ file, error });
    }
  }
  return { accepted, refused };
}
