import { type Lang, langFromLocale } from "./language.js";

/** The frame shapes a member may ask for; the backend's canvas follows the first generation's ratio. */
export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** Target lengths a member may pick, in seconds (a place's maximum cuts the list). */
export const LENGTH_CHOICES_SECONDS = [5, 10, 15, 30, 60] as const;

/** What a member (or a place, as its default) chooses before generating. Unset fields: no preference. */
export interface GenerationSettings {
  aspectRatio?: AspectRatio | undefined;
  lengthSeconds?: number | undefined;
  /** The language of the bot's words and of new backend sessions. */
  language?: Lang | undefined;
  /** Progress, answers, results and links go to the member privately. */
  privateResults?: boolean | undefined;
}

/** A place's defaults plus the limits its admins set; a member's choice is kept within them. */
export interface PlaceSettings extends GenerationSettings {
  /** The longest target length members may pick (seconds). */
  maxLengthSeconds?: number | undefined;
  /** How many variations one click may start (2–4). */
  variations?: number | undefined;
  /** Private results are not offered here (results always land in the thread). */
  privateForbidden?: boolean | undefined;
}

export const VARIATIONS_MIN = 2;
export const VARIATIONS_MAX = 4;
export const VARIATIONS_DEFAULT = 3;

export function isAspectRatio(value: unknown): value is AspectRatio {
  return typeof value === "string" && (ASPECT_RATIOS as readonly string[]).includes(value);
}

/** The settings that apply to a member in a place: theirs over the place's defaults, within its limits. */
export function effectiveSettings(member: GenerationSettings, place: PlaceSettings): GenerationSettings {
  const length = member.lengthSeconds ?? place.lengthSeconds;
  const max = place.maxLengthSeconds;
  return {
    aspectRatio: member.aspectRatio ?? place.aspectRatio,
    lengthSeconds: length !== undefined && max !== undefined ? Math.min(length, max) : length,
    language: member.language ?? place.language,
    privateResults: place.privateForbidden ? false : (member.privateResults ?? place.privateResults ?? false),
  };
}

/** How many variations a click starts in a place (its setting, clamped to 2–4). */
export function variationCount(place: PlaceSettings): number {
  const wanted = place.variations ?? VARIATIONS_DEFAULT;
  return Math.min(VARIATIONS_MAX, Math.max(VARIATIONS_MIN, Math.round(wanted)));
}

/** The progress line's settings tag: " · 9:16 · ~15 s" (empty when nothing is chosen). */
export function settingsTag(settings: GenerationSettings): string {
  const parts: string[] = [];
  if (settings.aspectRatio) parts.push(settings.aspectRatio);
  if (settings.lengthSeconds) parts.push(`~${settings.lengthSeconds} s`);
  return parts.map((part) => ` · ${part}`).join("");
}

/**
 * What of the settings travels to the backend (ratio and length), as one fingerprint: the turn sends the
 * settings line again only when it differs from the one the session last got ("" = nothing to send).
 */
export function settingsFingerprint(settings: GenerationSettings): string {
  if (!settings.aspectRatio && !settings.lengthSeconds) return "";
  return `${settings.aspectRatio ?? "-"}|${settings.lengthSeconds ?? "-"}`;
}

/**
 * The settings line put before a member's message on `/run_sse`, in the session's language
 * (docs/backend-protocol.md, "Generation settings"): `[Video settings: aspect ratio 9:16, length about 15
 * seconds]` or `[视频设置：画面比例 9:16，时长约 15 秒]`. Empty when neither is chosen.
 */
export function settingsDirective(settings: GenerationSettings, sessionLanguage: string): string {
  const zh = langFromLocale(sessionLanguage) === "zh-CN";
  const parts: string[] = [];
  if (settings.aspectRatio)
    parts.push(zh ? `画面比例 ${settings.aspectRatio}` : `aspect ratio ${settings.aspectRatio}`);
  if (settings.lengthSeconds)
    parts.push(zh ? `时长约 ${settings.lengthSeconds} 秒` : `length about ${settings.lengthSeconds} seconds`);
  if (parts.length === 0) return "";
  return zh ? `[视频设置：${parts.join("，")}]` : `[Video settings: ${parts.join(", ")}]`;
}

/** `text` as sent to `/run_sse` with the settings line before it (unchanged when there is none). */
export function withSettingsLine(
  settings: GenerationSettings,
  sessionLanguage: string,
  text: string,
): string {
  const line = settingsDirective(settings, sessionLanguage);
  return line ? `${line}\n${text}` : text;
}
