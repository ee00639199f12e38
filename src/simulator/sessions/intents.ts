/** What a `/run_sse` message asks for (case-insensitive keywords, English or Chinese). */
export type Intent =
  | { kind: "generate"; prompt: string }
  | { kind: "title"; title: string }
  | { kind: "remove-title" }
  | { kind: "music" }
  /** `toSeconds`: "make it 5 seconds" / "缩短到5秒"; absent = halve. */
  | { kind: "trim"; toSeconds?: number }
  | { kind: "chat"; text: string }
  // Quick replies: the agent asks a question (questions.ts), or is told "no"
  | { kind: "ask-style"; prompt: string }
  | { kind: "ask-music" }
  | { kind: "no-music" };

export type ReplyLanguage = "en" | "zh";

/** A request to make a video (English or Chinese). */
export const GENERATE = /\b(generate|create|make)\b|生成|制作|创建|做一[个段条部]|来一[个段条部]/i;
const REMOVE_TITLE = /\b(remove|delete|drop)\b.*\btitle\b|(删除|删掉|去掉|移除|去除|不要).*标题/i;
const TITLE = /\btitle\b|标题/i;
const MUSIC = /\b(music|bgm)\b|音乐|配乐|背景乐/i;
const TRIM = /\b(shorter|trim|shorten)\b|缩短|剪短|变短|短一[点些]|裁剪/i;
const SECONDS = /(\d+(?:\.\d+)?)\s*(?:s\b|secs?\b|seconds?\b|秒)/i;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function editIntent(text: string): Intent | undefined {
  if (REMOVE_TITLE.test(text)) return { kind: "remove-title" };
  if (TITLE.test(text)) return { kind: "title", title: extractTitle(text) };
  if (MUSIC.test(text)) return { kind: "music" };
  if (TRIM.test(text)) {
    const seconds = Number(SECONDS.exec(text)?.[1]);
    return seconds > 0 ? { kind: "trim", toSeconds: seconds } : { kind: "trim" };
  }
  return undefined;
}

/**
 * Edits win once the session has a video ("make it shorter" trims); before that, a message with
 * generate/create/make (生成, 制作…) generates.
 */
export function classifyMessage(text: string, hasVideo: boolean): Intent {
  const edit = editIntent(text);
  if (GENERATE.test(text) && (!hasVideo || !edit)) return { kind: "generate", prompt: extractPrompt(text) };
  return edit ?? { kind: "chat", text };
}

/** Chinese when the message is (contains Chinese), or when the session was created for Chinese. */
export function replyLanguage(text: string, sessionLanguage: string): ReplyLanguage {
  return CJK.test(text) || /^zh\b/i.test(sessionLanguage) ? "zh" : "en";
}

const TRAILING_PUNCTUATION = /[\s.,!?;:。，！？；：、]+$/;
const OPEN_QUOTES = '"“「『《';
const CLOSE_QUOTES = '"”」』》';

/**
 * `add a title "Hello"` → Hello; `add a title Hello` → Hello; `change the title to Hi` → Hi;
 * `加标题 城市之梦` → 城市之梦; `标题改成「城市之梦」` → 城市之梦.
 */
export function extractTitle(text: string): string {
  const quoted = new RegExp(
    `(?:\\btitle\\b|标题)[^${OPEN_QUOTES}${CLOSE_QUOTES}]*[${OPEN_QUOTES}]([^${OPEN_QUOTES}${CLOSE_QUOTES}]+)[${CLOSE_QUOTES}]`,
    "i",
  ).exec(text)?.[1];
  if (quoted?.trim()) return quoted.trim();
  const bare =
    /\btitle\b\s*(?:[:=-]\s*|(?:of|to|saying|that says|reading|called)\s+)?(.*)$/i.exec(text)?.[1] ??
    /标题\s*(?:[:：=]\s*|(?:改成|改为|换成|设为|设置为|为|是|叫|叫做)\s*)?(.*)$/.exec(text)?.[1];
  const title = (bare ?? "").replace(TRAILING_PUNCTUATION, "").trim();
  return title || "Untitled";
}

/** "generate a video of a city timelapse" → "a city timelapse"; "生成一个城市夜景延时视频" → "城市夜景延时". */
export function extractPrompt(text: string): string {
  const stripped =
    CJK.test(text) && !/\b(generate|create|make)\b/i.test(text) ? chinesePrompt(text) : englishPrompt(text);
  return stripped || text.trim();
}

function englishPrompt(text: string): string {
  return text
    .replace(
      /^.*?\b(generate|create|make)\b\s*(me\s+)?((a|an|the)\s+)?((short|quick|new)\s+)?((video|clip|film|movie)\b\s*)?((of|about|showing|with|for)\b\s*)?/i,
      "",
    )
    .replace(TRAILING_PUNCTUATION, "")
    .trim();
}

function chinesePrompt(text: string): string {
  return text
    .replace(/^.*?(生成|制作|创建|做|来)\s*(一[个段条部]|[个段条部])?\s*(关于)?/, "")
    .replace(TRAILING_PUNCTUATION, "")
    .replace(/(的)?(短视频|视频|短片|影片|片子)$/, "")
    .trim();
}

/** At most `max` characters, cut at a word boundary (Chinese has none: cut at `max`). */
export function shorten(text: string, max = 40): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return (space > 0 ? cut.slice(0, space) : cut).trim();
}

/**
 * "a city timelapse at night" → "A City Timelapse At" (at most `maxWords` words); Chinese text has no case
 * nor spaces: its first eight characters.
 */
export function titleCase(text: string, maxWords = 4): string {
  if (CJK.test(text)) return text.replace(/\s+/g, "").slice(0, maxWords * 2);
  return text
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, maxWords)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join(" ");
}
