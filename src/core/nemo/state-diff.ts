import { createHash } from "node:crypto";
import {
  displayLabel,
  draftDurationMs,
  formatSeconds,
  layoutDraft,
  type PlacedTrack,
  type SummaryLang,
  segmentText,
  trackBody,
  words,
} from "./timeline-summary.js";
import type { GeneratedMedia, NemoState, VideoInfo } from "./types.js";

/** What changed between two states, in words. */
export interface StateChange {
  changed: boolean;
  lines: string[];
}

const MAX_LINES = 12;

interface KindWords {
  /** A whole new or removed track. */
  track: string;
  /** One segment added to or removed from a kept track. */
  clip: string;
  /** Subject of a change sentence. */
  subject: string;
}

const KINDS: Record<SummaryLang, Record<number, KindWords>> = {
  en: {
    0: { track: "video track", clip: "video clip", subject: "Video" },
    1: { track: "music", clip: "music", subject: "Music" },
    7: { track: "title", clip: "title", subject: "Title" },
  },
  "zh-CN": {
    0: { track: "视频轨道", clip: "视频片段", subject: "视频" },
    1: { track: "背景音乐", clip: "背景音乐", subject: "背景音乐" },
    7: { track: "标题", clip: "标题", subject: "标题" },
  },
};

const OTHER_KIND: Record<SummaryLang, KindWords> = {
  en: { track: "track", clip: "clip", subject: "Clip" },
  "zh-CN": { track: "轨道", clip: "片段", subject: "片段" },
};

const TEXTS = {
  en: {
    added: (noun: string, what: string) => `Added ${noun}: ${what}`,
    removed: (noun: string, what: string) => `Removed ${noun}: ${what}`,
    renamed: (subject: string, from: string, to: string) => `${subject} changed from ${from} to ${to}`,
    length: (subject: string, from: string, to: string) => `${subject} length ${from} → ${to}`,
    start: (subject: string, from: string, to: string) => `${subject} start ${from} → ${to}`,
    volume: (subject: string, from: string, to: string) => `${subject} volume ${from} → ${to}`,
    total: (from: string, to: string) => `Total length ${from} → ${to}`,
    canvas: (from: string, to: string) => `Canvas ${from} → ${to}`,
    canvasSet: (to: string) => `Canvas set to ${to}`,
    canvasOther: "Canvas settings changed",
    media: (kind: string, url: string | undefined) => `New generated ${kind}${url ? `: ${url}` : ""}`,
    mediaKinds: { video: "video", image: "image", audio: "audio", music: "music" } as Record<string, string>,
    mediaOther: "media",
    video: (what: string) => `New video: ${what}`,
    unknown: "none",
    more: (n: number) => `…and ${n} more ${n === 1 ? "change" : "changes"}`,
    fallback: "The project was updated.",
  },
  "zh-CN": {
    added: (noun: string, what: string) => `新增${noun}：${what}`,
    removed: (noun: string, what: string) => `移除${noun}：${what}`,
    renamed: (subject: string, from: string, to: string) => `${subject}由${from}改为${to}`,
    length: (subject: string, from: string, to: string) => `${subject}时长 ${from} → ${to}`,
    start: (subject: string, from: string, to: string) => `${subject}起始 ${from} → ${to}`,
    volume: (subject: string, from: string, to: string) => `${subject}音量 ${from} → ${to}`,
    total: (from: string, to: string) => `总时长 ${from} → ${to}`,
    canvas: (from: string, to: string) => `画布 ${from} → ${to}`,
    canvasSet: (to: string) => `画布设为 ${to}`,
    canvasOther: "画布设置已更改",
    media: (kind: string, url: string | undefined) => `生成了新的${kind}${url ? `：${url}` : ""}`,
    mediaKinds: { video: "视频", image: "图片", audio: "音频", music: "音乐" } as Record<string, string>,
    mediaOther: "媒体",
    video: (what: string) => `新视频：${what}`,
    unknown: "无",
    more: (n: number) => `……以及另外 ${n} 处更改`,
    fallback: "项目已更新。",
  },
};

/**
 * Describes, for a stream that ended without text, what changed between the state read before the
 * message and the state after it: tracks and segments added or removed (by kind and label), text,
 * music and length changes, new generated media and new videos.
 *
 * `before` null means no baseline: everything in `after` counts as new, and the canvas is not reported.
 * When the states differ only in ways not described here, one generic line says the project was updated,
 * so a real change is never reported as "nothing changed". Lines are capped at 12 plus a "more" line.
 */
export function describeStateChange(
  before: NemoState | null,
  after: NemoState,
  lang: SummaryLang = "en",
): StateChange {
  const t = TEXTS[lang];
  const lines = [
    ...diffDraft(before, after, lang),
    ...diffCanvas(before, after, lang),
    ...diffGeneratedMedia(before?.generatedMedia ?? [], after.generatedMedia, lang),
    ...diffVideoInfos(before?.videoInfos ?? [], after.videoInfos, lang),
  ];
  if (lines.length === 0) {
    const differs = before !== null && stateFingerprint(before) !== stateFingerprint(after);
    return differs ? { changed: true, lines: [t.fallback] } : { changed: false, lines: [] };
  }
  if (lines.length > MAX_LINES) {
    const hidden = lines.length - (MAX_LINES - 1);
    return { changed: true, lines: [...lines.slice(0, MAX_LINES - 1), t.more(hidden)] };
  }
  return { changed: true, lines };
}

/** Stable short hash of a state: first 16 hex digits of sha256 over JSON with sorted keys. */
export function stateFingerprint(state: NemoState): string {
  return createHash("sha256").update(canonicalJson(state)).digest("hex").slice(0, 16);
}

function diffDraft(before: NemoState | null, after: NemoState, lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  const lines: string[] = [];
  const reported = new Set<string>();
  const match = matchItems(layoutDraft(before?.draft), layoutDraft(after.draft), [
    (track) => track.id && `${track.tt}#${track.id}`,
    (track) => `${track.tt}|${track.label ?? ""}|${track.segments.map((s) => s.label ?? "").join("|")}`,
    (track) => String(track.tt),
  ]);
  for (const [old, now] of match.pairs) lines.push(...diffTrack(old, now, lang, reported));
  for (const track of match.added)
    lines.push(t.added(kindWords(track.tt, lang).track, trackBody(track, lang)));
  for (const track of match.removed) {
    lines.push(t.removed(kindWords(track.tt, lang).track, trackBody(track, lang)));
  }
  const from = draftDurationMs(before?.draft);
  const to = draftDurationMs(after.draft);
  const fromText = seconds(from, lang);
  const toText = seconds(to, lang);
  // Skipped when it would repeat a clip's length line, or when the timeline went from or to nothing
  // (the added / removed lines already carry the times).
  if (from > 0 && to > 0 && fromText !== toText && !reported.has(`${fromText}|${toText}`)) {
    lines.push(t.total(fromText, toText));
  }
  return lines;
}

function diffTrack(old: PlacedTrack, now: PlacedTrack, lang: SummaryLang, reported: Set<string>): string[] {
  const t = TEXTS[lang];
  const kind = kindWords(now.tt, lang);
  const match = matchItems(old.segments, now.segments, [(seg) => seg.id, (seg) => seg.label, () => ""]);
  const several = old.segments.length > 1 || now.segments.length > 1;
  const lines: string[] = [];
  let reflowed = match.added.length > 0 || match.removed.length > 0;
  const moves: string[] = [];
  for (const [a, b] of match.pairs) {
    const subject =
      several && b.label !== undefined ? `${kind.subject} ${quoted(b.label, lang)}` : kind.subject;
    if (a.label !== b.label) {
      lines.push(t.renamed(kind.subject, quoted(a.label, lang), quoted(b.label, lang)));
    }
    const lenA = a.durationMs === undefined ? t.unknown : seconds(a.durationMs, lang);
    const lenB = b.durationMs === undefined ? t.unknown : seconds(b.durationMs, lang);
    if (lenA !== lenB) {
      lines.push(t.length(subject, lenA, lenB));
      reported.add(`${lenA}|${lenB}`);
      reflowed = true;
    }
    if (now.tt === 1 && a.volumePct !== b.volumePct) {
      lines.push(t.volume(subject, percent(a.volumePct, lang), percent(b.volumePct, lang)));
    }
    const startA = seconds(a.startMs, lang);
    const startB = seconds(b.startMs, lang);
    if (startA !== startB) moves.push(t.start(subject, startA, startB));
  }
  // Added, removed or resized segments shift the ones after them; those shifts are not news.
  if (!reflowed) lines.push(...moves);
  for (const seg of match.added) lines.push(t.added(kind.clip, segmentText(now.tt, seg, lang)));
  for (const seg of match.removed) lines.push(t.removed(kind.clip, segmentText(old.tt, seg, lang)));
  return lines;
}

function diffCanvas(before: NemoState | null, after: NemoState, lang: SummaryLang): string[] {
  if (before === null) return [];
  const t = TEXTS[lang];
  const from = canvasSize(before);
  const to = canvasSize(after);
  if (from !== to && to !== undefined) return [from === undefined ? t.canvasSet(to) : t.canvas(from, to)];
  if (canonicalJson(before.canvasConfig) !== canonicalJson(after.canvasConfig)) return [t.canvasOther];
  return [];
}

function diffGeneratedMedia(before: GeneratedMedia[], after: GeneratedMedia[], lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  return newItems(before, after, (media) => media.url).map((media) => {
    const type = typeof media.type === "string" ? media.type.toLowerCase() : "";
    return t.media(t.mediaKinds[type] ?? t.mediaOther, typeof media.url === "string" ? media.url : undefined);
  });
}

function diffVideoInfos(before: VideoInfo[], after: VideoInfo[], lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  const w = words(lang);
  return newItems(before, after, (info) => info.url ?? info.filename).map((info) => {
    const name = videoName(info) ?? w.untitled;
    const facts: string[] = [];
    // video_infos durations are in seconds, like the upload endpoint's.
    if (typeof info.duration === "number" && Number.isFinite(info.duration)) {
      facts.push(seconds(info.duration * 1000, lang));
    }
    if (typeof info.width === "number" && typeof info.height === "number") {
      facts.push(`${info.width}×${info.height}`);
    }
    return t.video(facts.length > 0 ? `${name}${w.open}${facts.join(w.comma)}${w.close}` : name);
  });
}

interface Matched<T> {
  pairs: [T, T][];
  added: T[];
  removed: T[];
}

/**
 * Pairs old and new items in passes, one per key (first match in order wins); what stays unpaired was
 * added or removed. Pairs and additions keep the new order, removals the old.
 */
function matchItems<T>(before: T[], after: T[], keys: ((item: T) => string | undefined)[]): Matched<T> {
  const partner = new Map<number, number>();
  const taken = new Set<number>();
  for (const key of keys) {
    after.forEach((item, i) => {
      if (partner.has(i)) return;
      const k = key(item);
      if (k === undefined) return;
      const j = before.findIndex((old, idx) => !taken.has(idx) && key(old) === k);
      if (j < 0) return;
      partner.set(i, j);
      taken.add(j);
    });
  }
  const pairs: [T, T][] = [];
  const added: T[] = [];
  after.forEach((item, i) => {
    const j = partner.get(i);
    if (j === undefined) added.push(item);
    else pairs.push([before[j]!, item]);
  });
  return { pairs, added, removed: before.filter((_, j) => !taken.has(j)) };
}

/** Items of `after` that `before` lacks, by key (falling back to the whole item). */
function newItems<T>(before: T[], after: T[], key: (item: T) => unknown): T[] {
  const id = (item: T) => {
    const k = key(item);
    return typeof k === "string" && k !== "" ? k : canonicalJson(item);
  };
  const seen = new Set(before.map(id));
  return after.filter((item) => !seen.has(id(item)));
}

function kindWords(tt: number, lang: SummaryLang): KindWords {
  return KINDS[lang][tt] ?? OTHER_KIND[lang];
}

function quoted(label: string | undefined, lang: SummaryLang): string {
  // Text-track labels are the quoted ones; change sentences quote every label the same way.
  return displayLabel(7, label, lang);
}

function seconds(ms: number, lang: SummaryLang): string {
  return words(lang).seconds(formatSeconds(ms));
}

function percent(value: number | undefined, lang: SummaryLang): string {
  return value === undefined ? TEXTS[lang].unknown : `${value}%`;
}

function canvasSize(state: NemoState): string | undefined {
  const sources = [state.canvasConfig, state.draft?.m];
  for (const source of sources) {
    if (!source) continue;
    const { width, height } = source;
    if (typeof width === "number" && typeof height === "number") return `${width}×${height}`;
  }
  return undefined;
}

function videoName(info: VideoInfo): string | undefined {
  if (typeof info.filename === "string" && info.filename !== "") return info.filename;
  if (typeof info.url !== "string") return undefined;
  const path = info.url.split(/[?#]/)[0] ?? "";
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last === "" ? undefined : decodeURIComponentSafe(last);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** JSON with object keys sorted at every level; `undefined` members dropped as JSON.stringify does. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === "function" ? "null" : canonicalJson(item))).join(",")}]`;
  }
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined && typeof record[key] !== "function")
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
