import type { Lang } from "./language.js";
import type { ActionKind } from "./reply.js";
import { type TextKey, text as textFor } from "./texts.js";

/** Backend text with its web-editor directions replaced, and the buttons those directions call for. */
export interface TranslatedText {
  text: string;
  /** Deduplicated, in the order the directions appeared. */
  actions: ActionKind[];
}

/** What a web-editor direction asks the user to do. */
type GuiKind = "export" | "timeline" | "credits" | "drag" | "upload" | "other";

const HINTS: Readonly<Record<GuiKind, TextKey>> = {
  export: "gui_export",
  timeline: "gui_timeline",
  credits: "gui_credits",
  drag: "gui_drag",
  upload: "gui_upload",
  other: "gui_other",
};

const ACTIONS: Readonly<Partial<Record<GuiKind, ActionKind>>> = {
  export: "export",
  timeline: "timeline",
  credits: "credits",
};

/** English clause body up to the next clause or sentence end. */
const W = "[^.;!?,]";
/** Chinese clause body. */
const Z = "[^，。；！？,.;!?]";

/**
 * Directions, tested at the start of a clause (after connectors such as "then", "you can", 请, 然后).
 * Ordered: the first match names the direction. Anchoring at a clause start keeps content intact:
 * "the clicking sound of the keyboard" or 添加了键盘点击声 never match.
 */
const DIRECTIONS: ReadonlyArray<{ re: RegExp; kind: GuiKind }> = [
  // English
  {
    re: new RegExp(`^(?:drag(?:[- ]and[- ]drop)?|drop|click|tap|use)\\b${W}{0,40}?\\b(?:upload|import)`, "i"),
    kind: "upload",
  },
  { re: new RegExp(`^(?:click|tap|press|hit|use|select)\\b${W}{0,30}?\\bexport\\b`, "i"), kind: "export" },
  {
    re: new RegExp(
      `^(?:check|view|visit|see|open|go to|head to|top up)\\b${W}{0,20}?\\b(?:account|billing|balance|credits?|subscription|pricing)\\b`,
      "i",
    ),
    kind: "credits",
  },
  {
    re: new RegExp(`^(?:click|tap)\\b${W}{0,30}?\\b(?:top[- ]up|upgrade|billing|account|credits)\\b`, "i"),
    kind: "credits",
  },
  {
    re: new RegExp(
      `^(?:preview|review|view|see|check|watch|play)\\b${W}{0,30}?\\b(?:in|on|from|using) the (?:timeline|editor|preview|player|canvas)\\b`,
      "i",
    ),
    kind: "timeline",
  },
  { re: /^preview\b(?!\s*:)/i, kind: "timeline" },
  {
    re: new RegExp(
      `^(?:open|go to|head to|switch to|navigate to)\\b${W}{0,40}?\\b(?:panel|tab|sidebar|timeline|editor|tracks?|layers?|inspector)\\b`,
      "i",
    ),
    kind: "timeline",
  },
  { re: new RegExp(`^(?:click|tap|select)\\b${W}{0,30}?\\b(?:timeline|tracks?)\\b`, "i"), kind: "timeline" },
  { re: /^(?:drag\b|drop (?:it|them|the|your|a|an)\b)/i, kind: "drag" },
  // Links are clickable in a chat too: "click the link" / "click here" stays.
  { re: /^(?:click|tap)\b(?! (?:on )?(?:it|here|this link|the link|that link|the url)\b)/i, kind: "other" },
  { re: new RegExp(`^(?:press|hit)\\b${W}{0,30}?\\b(?:button|icon|key)\\b`, "i"), kind: "other" },
  // Chinese
  { re: new RegExp(`^(?:拖拽|拖动|拖放|点击|单击)${Z}{0,15}?(?:上传|导入)`), kind: "upload" },
  { re: new RegExp(`^(?:点击|单击|点|按(?!照))${Z}{0,12}?导出`), kind: "export" },
  {
    re: new RegExp(`^(?:查看|检查|前往|进入|打开)${Z}{0,8}?(?:账户|账号|账单|余额|积分|订阅|充值)`),
    kind: "credits",
  },
  { re: new RegExp(`^(?:点击|单击)${Z}{0,12}?(?:充值|升级|账户|账号)`), kind: "credits" },
  {
    re: /^(?:在|到)?(?:时间线|时间轴|编辑器|预览窗口|播放器)(?:中|上|里)?(?:预览|查看|检查|播放)/,
    kind: "timeline",
  },
  { re: /^预览/, kind: "timeline" },
  {
    re: new RegExp(`^(?:打开|进入|切换到)${Z}{0,12}?(?:面板|时间线|时间轴|编辑器|窗口|标签)`),
    kind: "timeline",
  },
  { re: new RegExp(`^(?:点击|单击)${Z}{0,12}?(?:时间线|时间轴|轨道)`), kind: "timeline" },
  { re: new RegExp(`^(?:在${Z}{0,8}?(?:上|中|里))?拖(?:拽|动|放|曳|到)`), kind: "drag" },
  { re: /^(?:点击|单击)/, kind: "other" },
];

/** "the Export button" anywhere in a sentence is a direction to export. */
const EXPORT_BUTTON = /\bexport button\b|["“'‘]export["”'’] button|导出按钮|[“"「『]导出[”"」』]按钮/i;

/** Words between a clause start and its verb: "then", "you can", 请, 然后, … (and markdown emphasis). */
const CONNECTOR =
  /^(?:[\s*_~"'“‘([]+|(?:and|then|or|so|also|just|simply|please|now|next|finally|first|afterwards|you can|you could|you may|you'll need to|you need to|feel free to|go ahead and|don't forget to|remember to)\b[\s,]*|请|然后|再|并且|并|或者|或|您可以|你可以|可以|直接|接着|之后|只需|就|先|最后|随后)/i;

/** Where a clause may start: after clause punctuation, a dash, or before a joining word. */
const CLAUSE_BREAK =
  /[,;:，；：、]\s*|\s+[—–-]\s+|\s+(?=(?:and|then|or)\s)|(?=请|然后|接着|并且|或者|您可以|你可以)/gi;

/** An opening that makes the clause before a direction dependent on it ("To download it, click Export"). */
const DEPENDENT_OPENING =
  /^(?:to|if|when|whenever|once|after|before|for|in order to|so that|should you)\b|^(?:如果|如需|如要|若|要|当|为了|想要|想)/i;

/** "I encountered a temporary issue…" that the backend sometimes appends after a normal answer. */
const TEMPORARY_ISSUE =
  /^(?:but |however,? |unfortunately,? )?i (?:encountered|ran into|hit|experienced|had) (?:a |an |some )?(?:temporary|transient|brief|momentary)\b|^(?:不过|但是?|抱歉，?)?我?遇到了?(?:一个|一些)?(?:临时|暂时)/i;

const URL = /\bhttps?:\/\//i;
const CJK_END = /[\p{Script=Han}。！？：；，”」』）]$/u;
const CJK_START = /^[\p{Script=Han}“「『（]/u;

interface Sentence {
  body: string;
  /** Whitespace after the sentence. */
  gap: string;
}

/** Splits text into sentences, keeping every character (each sentence's trailing whitespace in `gap`). */
function splitSentences(text: string): Sentence[] {
  const boundary = /[.!?…]+["'”’)\]*_]*(?=\s|$)|[。！？]+[”’」』）)\]*_]*|(?=\n)/g;
  const out: Sentence[] = [];
  let start = 0;
  while (start < text.length) {
    boundary.lastIndex = start;
    const match = boundary.exec(text);
    // A newline right at `start` gives an empty sentence; its gap is never empty, so the loop advances.
    const end = match ? match.index + match[0].length : text.length;
    const gapLength = /^\s*/.exec(text.slice(end))![0].length;
    out.push({ body: text.slice(start, end), gap: text.slice(end, end + gapLength) });
    start = end + gapLength;
  }
  return out;
}

function clauseStarts(sentence: string): number[] {
  const starts = new Set<number>([0]);
  for (const match of sentence.matchAll(CLAUSE_BREAK)) starts.add(match.index + match[0].length);
  return [...starts].sort((a, b) => a - b);
}

function directionAt(sentence: string, start: number): GuiKind | undefined {
  let rest = sentence.slice(start);
  for (
    let connector = CONNECTOR.exec(rest);
    connector && connector[0] !== "";
    connector = CONNECTOR.exec(rest)
  ) {
    rest = rest.slice(connector[0].length);
  }
  return DIRECTIONS.find((direction) => direction.re.test(rest))?.kind;
}

/** The directions in a sentence: where the first starts and every kind, or undefined when there is none. */
function findDirections(sentence: string): { start: number; kinds: GuiKind[] } | undefined {
  if (URL.test(sentence)) return undefined;
  let first: number | undefined;
  const kinds: GuiKind[] = [];
  for (const start of clauseStarts(sentence)) {
    const kind = directionAt(sentence, start);
    if (kind === undefined) continue;
    first ??= start;
    kinds.push(kind);
  }
  if (first === undefined) return EXPORT_BUTTON.test(sentence) ? { start: 0, kinds: ["export"] } : undefined;
  if (!kinds.includes("export") && EXPORT_BUTTON.test(sentence.slice(first))) kinds.push("export");
  return { start: first, kinds };
}

/** The content before a direction, as a sentence of its own; empty when it only introduced the direction. */
function keptPrefix(prefix: string): string {
  const trimmed = prefix.replace(/[\s,;:，；：、—–-]+$/u, "").trim();
  const bare = trimmed.replace(/^[\s*_~"'“‘([]+/, "");
  if (bare === "" || DEPENDENT_OPENING.test(bare)) return "";
  if (/[.!?…。！？]["'”’)\]*_]*$/.test(trimmed)) return trimmed;
  return trimmed + (CJK_END.test(trimmed) ? "。" : ".");
}

/** Joins sentences with a space, except between two Chinese ones. */
function joinSentences(parts: string[]): string {
  let out = "";
  for (const part of parts) {
    if (part === "") continue;
    out += out === "" || (CJK_END.test(out) && CJK_START.test(part)) ? part : ` ${part}`;
  }
  return out;
}

/** Drops a trailing "I encountered a temporary issue…" (and what follows it) after normal text. */
function dropTemporaryIssue(sentences: Sentence[]): Sentence[] {
  const index = sentences.findIndex((s, i) => i > 0 && TEMPORARY_ISSUE.test(s.body.trim()));
  if (index < 0 || !sentences.slice(0, index).some((s) => s.body.trim() !== "")) return sentences;
  return sentences.slice(0, index);
}

/**
 * Rewrites backend text for a chat: what it says about the content stays word for word; directions for
 * its web editor ("click the Export button", "open the timeline panel", "drag it on the timeline",
 * 点击导出, 打开…面板, 拖拽…) become the matching chat hint in `lang` ("Tap Export below when you're
 * ready.") and the buttons to show. A trailing "I encountered a temporary issue…" after normal text is
 * dropped. Text without directions is returned unchanged.
 */
export function translateBackendText(text: string, lang: Lang): TranslatedText {
  const original = splitSentences(text);
  const sentences = dropTemporaryIssue(original);
  const actions: ActionKind[] = [];
  const hinted = new Set<GuiKind>();
  let changed = sentences.length !== original.length;
  const parts: Sentence[] = [];

  for (const sentence of sentences) {
    const found = findDirections(sentence.body);
    if (!found) {
      parts.push(sentence);
      continue;
    }
    changed = true;
    const replacement = [keptPrefix(sentence.body.slice(0, found.start))];
    for (const kind of found.kinds) {
      const action = ACTIONS[kind];
      if (action && !actions.includes(action)) actions.push(action);
      if (hinted.has(kind)) continue;
      hinted.add(kind);
      replacement.push(textFor(lang, HINTS[kind]));
    }
    const body = joinSentences(replacement);
    if (body !== "") parts.push({ body, gap: sentence.gap });
  }

  if (!changed) return { text, actions };
  let out = "";
  for (const part of parts) {
    if (out !== "" && !/\s$/.test(out) && !(CJK_END.test(out) && CJK_START.test(part.body))) out += " ";
    out += part.body + part.gap;
  }
  return { text: out.trim(), actions };
}
