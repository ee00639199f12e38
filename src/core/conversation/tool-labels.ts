import type { Lang } from "./language.js";
import { type TextKey, text } from "./texts.js";

/** `addPostProduction`, `Add-Post Production` → `add_post_production`. */
function normalizeToolName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Tool names whose work takes minutes (video generation). */
const LONG_GENERATION =
  /seedance|generate_video|video_gen|gen_video|text_to_video|image_to_video|(?:^|_)[ti]2v(?:_|$)/;

/**
 * Ordered rules on the normalised name's `_`-separated words: the first that matches wins.
 * Post-production and video generation come first (their names also contain "video", "title", …);
 * edit verbs come before the media kinds so `trim_audio` or `remove_title` read as editing.
 */
const RULES: ReadonlyArray<{ words: ReadonlySet<string>; key: TextKey }> = [
  {
    words: new Set(["edit", "trim", "cut", "split", "crop", "remove", "delete", "speed", "reorder", "move"]),
    key: "tool_edit",
  },
  { words: new Set(["image", "img", "photo", "picture", "thumbnail"]), key: "tool_image" },
  { words: new Set(["music", "bgm", "audio", "sound", "song"]), key: "tool_music" },
  { words: new Set(["voice", "voiceover", "tts", "speech", "narration", "dub"]), key: "tool_voice" },
  {
    words: new Set(["title", "text", "subtitle", "subtitles", "caption", "captions", "font"]),
    key: "tool_text",
  },
  { words: new Set(["upload", "import"]), key: "tool_import" },
  { words: new Set(["render", "export"]), key: "tool_render" },
];

function labelKey(name: string): TextKey {
  const normalized = normalizeToolName(name);
  if (/post_?production/.test(normalized)) return "tool_post_production";
  if (LONG_GENERATION.test(normalized)) return "tool_generate_video";
  const words = normalized.split("_");
  for (const rule of RULES) {
    if (words.some((word) => rule.words.has(word))) return rule.key;
  }
  return "tool_default";
}

/**
 * A friendly progress message for a backend tool call, e.g. `generate_video` →
 * "🎬 Generating video — usually 2–5 min", `add_music` → "🎵 Adding music…", unknown → "⚙️ Working…".
 * Words are matched whole (`execute` is not "cut"), so the label never claims more than the name says.
 */
export function toolLabel(name: string, lang: Lang): string {
  return text(lang, labelKey(name));
}

/** True for tools that generate video (`generate_video`, `seedance…`): these take 2–5 minutes. */
export function isLongGeneration(name: string): boolean {
  return LONG_GENERATION.test(normalizeToolName(name));
}
