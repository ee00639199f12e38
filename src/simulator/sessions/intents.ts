/** What a `/run_sse` message asks for (case-insensitive keywords). */
export type Intent =
  | { kind: "generate"; prompt: string }
  | { kind: "title"; title: string }
  | { kind: "remove-title" }
  | { kind: "music" }
  | { kind: "trim" }
  | { kind: "chat"; text: string };

const GENERATE = /\b(generate|create|make)\b/i;
const REMOVE_TITLE = /\b(remove|delete|drop)\b.*\btitle\b/i;
const TITLE = /\btitle\b/i;
const MUSIC = /\b(music|bgm)\b/i;
const TRIM = /\b(shorter|trim)\b/i;

function editIntent(text: string): Intent | undefined {
  if (REMOVE_TITLE.test(text)) return { kind: "remove-title" };
  if (TITLE.test(text)) return { kind: "title", title: extractTitle(text) };
  if (MUSIC.test(text)) return { kind: "music" };
  if (TRIM.test(text)) return { kind: "trim" };
  return undefined;
}

/**
 * Edits win once the session has a video ("make it shorter" trims); before that, a message with
 * generate/create/make generates.
 */
export function classifyMessage(text: string, hasVideo: boolean): Intent {
  const edit = editIntent(text);
  if (GENERATE.test(text) && (!hasVideo || !edit)) return { kind: "generate", prompt: extractPrompt(text) };
  return edit ?? { kind: "chat", text };
}

const TRAILING_PUNCTUATION = /[\s.,!?;:]+$/;

/** `add a title "Hello"` → Hello; `add a title Hello` → Hello; `change the title to Hi` → Hi. */
export function extractTitle(text: string): string {
  const quoted = /\btitle\b[^"“”]*["“]([^"“”]+)["”]/i.exec(text)?.[1];
  if (quoted?.trim()) return quoted.trim();
  const bare = /\btitle\b\s*(?:[:=-]\s*|(?:of|to|saying|that says|reading|called)\s+)?(.*)$/i.exec(text)?.[1];
  const title = (bare ?? "").replace(TRAILING_PUNCTUATION, "").trim();
  return title || "Untitled";
}

/** "generate a video of a city timelapse" → "a city timelapse". */
export function extractPrompt(text: string): string {
  const stripped = text
    .replace(
      /^.*?\b(generate|create|make)\b\s*(me\s+)?((a|an|the)\s+)?((short|quick|new)\s+)?((video|clip|film|movie)\b\s*)?((of|about|showing|with|for)\b\s*)?/i,
      "",
    )
    .replace(TRAILING_PUNCTUATION, "")
    .trim();
  return stripped || text.trim();
}

/** At most `max` characters, cut at a word boundary. */
export function shorten(text: string, max = 40): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return (space > 0 ? cut.slice(0, space) : cut).trim();
}

/** "a city timelapse at night" → "A City Timelapse At" (at most `maxWords` words). */
export function titleCase(text: string, maxWords = 4): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, maxWords)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join(" ");
}
