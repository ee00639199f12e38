export type FileType = "video" | "image" | "audio";

const TYPES: Record<string, FileType> = {
  mp4: "video",
  mov: "video",
  avi: "video",
  webm: "video",
  mkv: "video",
  jpg: "image",
  jpeg: "image",
  png: "image",
  gif: "image",
  webp: "image",
  mp3: "audio",
  wav: "audio",
  m4a: "audio",
  aac: "audio",
};

export const ACCEPTED_EXTENSIONS = "mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a aac";

export function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(name.trim());
  return match?.[1]?.toLowerCase() ?? "";
}

/** The upload file type for a name, `undefined` when the extension is not accepted. */
export function fileTypeOf(name: string): FileType | undefined {
  return TYPES[extensionOf(name)];
}
