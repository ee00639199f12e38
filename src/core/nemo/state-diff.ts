import { createHash } from "node:crypto";
import { decodeUriSafely } from "../decode-uri-safely.js";
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
 * What a later diff needs of a state, small enough to keep per message: a hash of the whole state, the
 * tracks as laid out for the summary (labels already capped), the canvas size and a hash of the canvas
 * settings, and short hashes identifying each generated media item and each video. JSON-safe.
 */
export interface StateSnapshot {
  /** `stateFingerprint` of the whole state: tells "changed in a way not described" from "unchanged". */
  hash: string;
  tracks: PlacedTrack[];
  canvas: { size: string | null; hash: string };
  /** One short hash per generated media item (by URL, else by content). */
  media: string[];
  /** One short hash per video info (by URL, else file name, else content). */
  videos: string[];
}

/** A state to compare against: the whole state, or its snapshot (what a sent marker keeps). */
export type StateBaseline = NemoState | StateSnapshot;

/** The snapshot of a state (see `StateSnapshot`). */
export function snapshotState(state: NemoState): StateSnapshot {
  return {
    hash: stateFingerprint(state),
    tracks: layoutDraft(state.draft),
    canvas: { size: canvasSize(state) ?? null, hash: shortHash(canonicalJson(state.canvasConfig)) },
    media: state.generatedMedia.map(mediaId),
    videos: state.videoInfos.map(videoId),
  };
}

/** True for a snapshot, false for a whole state (both can come back from Redis as plain JSON). */
export function isStateSnapshot(baseline: StateBaseline): baseline is StateSnapshot {
  return typeof (baseline as Partial<StateSnapshot>).hash === "string" && "tracks" in baseline;
}

/**
 * Describes, for a stream that ended without text, what changed between the state read before the
 * message and the state after it: tracks and segments added or removed (by kind and label), text,
 * music and length changes, new generated media and new videos.
 *
 * `before` is the whole earlier state or its snapshot (same result). `before` null means no baseline:
 * everything in `after` counts as new, and the canvas is not reported.
 * When the states differ only in ways not described here, one generic line says the project was updated,
 * so a real change is never reported as "nothing changed". Lines are capped at 12 plus a "more" line.
 */
export function describeStateChange(
  before: StateBaseline | null,
  after: NemoState,
  lang: SummaryLang = "en",
): StateChange {
  const t = TEXTS[lang];
  const base = before === null ? null : isStateSnapshot(before) ? before : snapshotState(before);
  const lines = [
    ...diffDraft(base?.tracks ?? [], after, lang),
    ...diffCanvas(base, after, lang),
    ...diffGeneratedMedia(base?.media ?? [], after.generatedMedia, lang),
    ...diffVideoInfos(base?.videos ?? [], after.videoInfos, lang),
  ];
  if (lines.length === 0) {
    const differs = base !== null && base.hash !== stateFingerprint(after);
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
  return shortHash(canonicalJson(state));
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function diffDraft(beforeTracks: PlacedTrack[], after: NemoState, lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  const lines: string[] = [];
  const reported = new Set<string>();
  const afterTracks = layoutDraft(after.draft);
  const match = matchItems(beforeTracks, afterTracks, [
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
  const from = tracksDurationMs(beforeTracks);
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

function diffCanvas(before: StateSnapshot | null, after: NemoState, lang: SummaryLang): string[] {
  if (before === null) return [];
  const t = TEXTS[lang];
  const from = before.canvas.size ?? undefined;
  const to = canvasSize(after);
  if (from !== to && to !== undefined) return [from === undefined ? t.canvasSet(to) : t.canvas(from, to)];
  if (before.canvas.hash !== shortHash(canonicalJson(after.canvasConfig))) return [t.canvasOther];
  return [];
}

function diffGeneratedMedia(before: string[], after: GeneratedMedia[], lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  return newItems(before, after, mediaId).map((media) => {
    const type = typeof media.type === "string" ? media.type.toLowerCase() : "";
    return t.media(t.mediaKinds[type] ?? t.mediaOther, typeof media.url === "string" ? media.url : undefined);
  });
}

function diffVideoInfos(before: string[], after: VideoInfo[], lang: SummaryLang): string[] {
  const t = TEXTS[lang];
  const w = words(lang);
  return newItems(before, after, videoId).map((info) => {
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

/** Items of `after` whose id is not among the ids of `before`. */
function newItems<T>(before: string[], after: T[], id: (item: T) => string): T[] {
  const seen = new Set(before);
  return after.filter((item) => !seen.has(id(item)));
}

/** Short hash of an item's key (falling back to the whole item when the key is missing or empty). */
function itemId(item: unknown, key: unknown): string {
  return shortHash(typeof key === "string" && key !== "" ? `k:${key}` : `j:${canonicalJson(item)}`);
}

function mediaId(media: GeneratedMedia): string {
  return itemId(media, media.url);
}

function videoId(info: VideoInfo): string {
  return itemId(info, info.url ?? info.filename);
}

/** End of the last segment on any track, in ms (0 for none), as `draftDurationMs` counts it. */
function tracksDurationMs(tracks: PlacedTrack[]): number {
  let end = 0;
  for (const track of tracks) {
    for (const seg of track.segments) end = Math.max(end, seg.startMs + (seg.durationMs ?? 0));
  }
  return end;
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
  return last === "" ? undefined : decodeUriSafely(last);
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
