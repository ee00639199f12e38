import type { Draft, DraftSegment, DraftTrack } from "./types.js";

/** Languages the summary and state-diff texts are written in. */
export type SummaryLang = "en" | "zh-CN";

/** A segment with its place on the timeline worked out. */
export interface PlacedSegment {
  /** From the segment's `m.title`/`m.name`/`m.text`, else the track's `m.title`/`m.name`. */
  label: string | undefined;
  /** Explicit `id` (or `m.id`) when the backend gives one. */
  id: string | undefined;
  startMs: number;
  /** Undefined when the segment has no usable `d`. */
  durationMs: number | undefined;
  /** Audio volume as a whole percentage (segment `m.volume`, else the track's). */
  volumePct: number | undefined;
}

/** A track with its segments placed. */
export interface PlacedTrack {
  tt: number;
  id: string | undefined;
  label: string | undefined;
  segments: PlacedSegment[];
}

const MAX_LABEL_CHARS = 60;
const MAX_SEGMENTS_LISTED = 8;

const KIND_NAMES: Record<SummaryLang, Record<number, string>> = {
  en: { 0: "Video", 1: "BGM", 7: "Title" },
  "zh-CN": { 0: "视频", 1: "背景音乐", 7: "标题" },
};

const WORDS = {
  en: {
    track: "Track",
    untitled: "untitled",
    empty: "Timeline is empty.",
    header: (n: number) => `Timeline (${n} ${n === 1 ? "track" : "tracks"}): `,
    colon: ": ",
    open: " (",
    close: ")",
    comma: ", ",
    listSep: ", ",
    quote: (s: string) => `"${s}"`,
    seconds: (s: string) => `${s}s`,
    range: (a: string, b: string) => `${a}-${b}s`,
    from: (a: string) => `from ${a}s`,
    noSegments: "empty",
    more: (n: number) => `and ${n} more`,
  },
  "zh-CN": {
    track: "轨道",
    untitled: "未命名",
    empty: "时间线为空。",
    header: (n: number) => `时间线（${n} 条轨道）：`,
    colon: "：",
    open: "（",
    close: "）",
    comma: "，",
    listSep: "、",
    quote: (s: string) => `“${s}”`,
    seconds: (s: string) => `${s}秒`,
    range: (a: string, b: string) => `${a}-${b}秒`,
    from: (a: string) => `从${a}秒起`,
    noSegments: "空",
    more: (n: number) => `等另外 ${n} 个`,
  },
} as const;

/** Localised fixed words, shared with the state diff. */
export function words(lang: SummaryLang): (typeof WORDS)[SummaryLang] {
  return WORDS[lang];
}

/**
 * One-line, human summary of a draft, in the form of docs/backend-protocol.md ("The draft"):
 * `Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)`.
 *
 * A track with several segments lists them separated by commas (`Video: a (0-5s), b (5-10s)`),
 * at most 8 then `and N more`; a track without segments reads `Video: untitled (empty)`;
 * a segment without a duration reads `a (from 5s)`. Text is quoted only when it is real text.
 */
export function summarizeTimeline(draft: Draft | null | undefined, lang: SummaryLang = "en"): string {
  const tracks = layoutDraft(draft);
  const w = WORDS[lang];
  if (tracks.length === 0) return w.empty;
  const items = tracks.map(
    (track, i) => `${i + 1}. ${kindName(track.tt, lang)}${w.colon}${trackBody(track, lang)}`,
  );
  return w.header(tracks.length) + items.join(" ");
}

/** True when the draft has at least one track with a non-empty `sg` (the backend's export condition). */
export function isExportReady(draft: Draft | null | undefined): boolean {
  return rawTracks(draft).some((track) => Array.isArray(track.sg) && track.sg.length > 0);
}

/** End of the last segment on any track, in ms (0 for an empty or missing draft). */
export function draftDurationMs(draft: Draft | null | undefined): number {
  let end = 0;
  for (const track of layoutDraft(draft)) {
    for (const seg of track.segments) end = Math.max(end, seg.startMs + (seg.durationMs ?? 0));
  }
  return end;
}

/** Tracks of a draft with segment times resolved; tolerant of malformed data from the wire. */
export function layoutDraft(draft: Draft | null | undefined): PlacedTrack[] {
  return rawTracks(draft).map(placeTrack);
}

/** Display name of a track kind (`Video`, `BGM`, `Title`, else `Track`). */
export function kindName(tt: number, lang: SummaryLang = "en"): string {
  return KIND_NAMES[lang][tt] ?? WORDS[lang].track;
}

/** The segments of a track as text: `a (0-5s), b (5-10s)`, or `label (empty)`. */
export function trackBody(track: PlacedTrack, lang: SummaryLang = "en"): string {
  const w = WORDS[lang];
  if (track.segments.length === 0) {
    return `${displayLabel(track.tt, track.label, lang)}${w.open}${w.noSegments}${w.close}`;
  }
  const shown = track.segments.slice(0, MAX_SEGMENTS_LISTED).map((seg) => segmentText(track.tt, seg, lang));
  const hidden = track.segments.length - shown.length;
  if (hidden > 0) shown.push(w.more(hidden));
  return shown.join(w.listSep);
}

/** One segment as text: `Lo-fi (0-10s, 35%)`; the volume only on audio tracks. */
export function segmentText(tt: number, seg: PlacedSegment, lang: SummaryLang = "en"): string {
  const w = WORDS[lang];
  const parts = [timeText(seg, lang)];
  if (tt === 1 && seg.volumePct !== undefined) parts.push(`${seg.volumePct}%`);
  return `${displayLabel(tt, seg.label, lang)}${w.open}${parts.join(w.comma)}${w.close}`;
}

/** A label as shown: text-track labels quoted, a missing label as `untitled`. */
export function displayLabel(tt: number, label: string | undefined, lang: SummaryLang = "en"): string {
  const w = WORDS[lang];
  if (label === undefined) return w.untitled;
  return tt === 7 ? w.quote(label) : label;
}

/** Milliseconds as seconds: whole numbers plain, otherwise one decimal (`10`, `2.5`). */
export function formatSeconds(ms: number): string {
  const tenths = Math.round(ms / 100);
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}

function timeText(seg: PlacedSegment, lang: SummaryLang): string {
  const w = WORDS[lang];
  const start = formatSeconds(seg.startMs);
  if (seg.durationMs === undefined) return w.from(start);
  return w.range(start, formatSeconds(seg.startMs + seg.durationMs));
}

function rawTracks(draft: Draft | null | undefined): DraftTrack[] {
  if (!isObject(draft) || !Array.isArray(draft.t)) return [];
  return draft.t.filter((track): track is DraftTrack => isObject(track));
}

function placeTrack(track: DraftTrack): PlacedTrack {
  const tt = toNumber(track.tt) ?? -1;
  const trackMeta = isObject(track.m) ? track.m : {};
  const trackLabel = pickText(trackMeta, ["title", "name"]);
  const trackVolume = toPercent(trackMeta.volume);
  // Text segments show their on-screen text first; a `name` there is usually an editor default.
  const segKeys = tt === 7 ? ["text", "title", "name"] : ["title", "name", "text"];
  const segments: PlacedSegment[] = [];
  let cursor = 0;
  for (const seg of Array.isArray(track.sg) ? track.sg : []) {
    if (!isObject(seg)) continue;
    const s = seg as DraftSegment;
    const meta = isObject(s.m) ? s.m : {};
    const d = toNumber(s.d);
    const durationMs = d !== undefined && d >= 0 ? d : undefined;
    const startMs = toNumber(s.s) ?? cursor;
    cursor = startMs + (durationMs ?? 0);
    segments.push({
      label: pickText(meta, segKeys) ?? trackLabel,
      id: toId(s.id) ?? toId(meta.id),
      startMs,
      durationMs,
      volumePct: toPercent(meta.volume) ?? trackVolume,
    });
  }
  return { tt, id: toId(track.id) ?? toId(trackMeta.id), label: trackLabel, segments };
}

function pickText(meta: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = meta[key];
    if (typeof value !== "string") continue;
    const text = value.replace(/\s+/g, " ").trim();
    if (text === "") continue;
    return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1).trimEnd()}…` : text;
  }
  return undefined;
}

/** Volume in either form: 0–1 is a fraction, above 1 is already a percentage. */
function toPercent(value: unknown): number | undefined {
  const n = toNumber(value);
  if (n === undefined || n < 0) return undefined;
  return Math.round(n <= 1 ? n * 100 : n);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function toId(value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
