import {
  type AspectRatio,
  isAspectRatio,
  LENGTH_CHOICES_SECONDS,
  VARIATIONS_MAX,
  VARIATIONS_MIN,
} from "./generation-settings.js";
import type { Lang } from "./language.js";

/**
 * The longest target length anyone may set (seconds), a place's maximum included: the longest choice of
 * the menus, so a typed length cannot ask the backend for a longer (costlier) video than they offer.
 */
const LENGTH_LIMIT_SECONDS = Math.max(...LENGTH_CHOICES_SECONDS);

/** One change `/settings` asks for; `null` clears the field (back to the place's default, or none). */
export type SettingsEdit =
  | { scope: "member" | "place"; field: "aspectRatio"; value: AspectRatio | null }
  | { scope: "member" | "place"; field: "lengthSeconds"; value: number | null }
  | { scope: "member" | "place"; field: "language"; value: Lang | null }
  | { scope: "member"; field: "privateResults"; value: boolean | null }
  | { scope: "place"; field: "maxLengthSeconds"; value: number | null }
  | { scope: "place"; field: "variations"; value: number | null }
  /** `place private off` forbids private results there; `on` allows them again. */
  | { scope: "place"; field: "privateForbidden"; value: boolean | null };

/** What `/settings …` asks: show (member's, or the place's), reset the member's, or change fields. */
export type SettingsRequest =
  | { kind: "show"; scope: "member" | "place" }
  | { kind: "reset" }
  | { kind: "change"; edits: SettingsEdit[] }
  | { kind: "invalid" };

const CLEAR = new Set(["off", "none", "default", "auto", "clear", "unset", "-"]);
const ON = new Set(["on", "yes", "true", "1"]);
const OFF = new Set(["off", "no", "false", "0"]);

function seconds(raw: string, min: number, max: number): number | null | undefined {
  if (CLEAR.has(raw)) return null;
  const match = /^(\d{1,4})\s*(?:s|sec|secs|seconds?|秒)?$/.exec(raw);
  const value = match ? Number(match[1]) : Number.NaN;
  return value >= min && value <= max ? value : undefined;
}

function language(raw: string): Lang | null | undefined {
  if (CLEAR.has(raw)) return null;
  if (/^(?:en|english|en-\w+|英文|英语)$/.test(raw)) return "en";
  if (/^(?:zh|zh-cn|zh-hans|chinese|中文|简体中文)$/.test(raw)) return "zh-CN";
  return undefined;
}

function onOff(raw: string): boolean | undefined {
  if (ON.has(raw)) return true;
  return OFF.has(raw) ? false : undefined;
}

/** One `field value` pair (lower-cased), in the member's or the place's scope; undefined when invalid. */
function edit(scope: "member" | "place", field: string, raw: string): SettingsEdit | undefined {
  switch (field) {
    case "ratio":
    case "aspect":
    case "aspect-ratio": {
      const value = CLEAR.has(raw) ? null : isAspectRatio(raw) ? raw : undefined;
      return value === undefined ? undefined : { scope, field: "aspectRatio", value };
    }
    case "length": {
      const value = seconds(raw, 1, LENGTH_LIMIT_SECONDS);
      return value === undefined ? undefined : { scope, field: "lengthSeconds", value };
    }
    case "language":
    case "lang": {
      const value = language(raw);
      return value === undefined ? undefined : { scope, field: "language", value };
    }
    case "private": {
      const value = onOff(raw);
      if (value === undefined) return undefined;
      return scope === "member"
        ? { scope, field: "privateResults", value }
        : { scope, field: "privateForbidden", value: !value };
    }
  }
  if (scope !== "place") return undefined;
  if (field === "max-length" || field === "max") {
    const value = seconds(raw, 1, LENGTH_LIMIT_SECONDS);
    return value === undefined ? undefined : { scope, field: "maxLengthSeconds", value };
  }
  if (field === "variations") {
    const value = seconds(raw, VARIATIONS_MIN, VARIATIONS_MAX);
    return value === undefined ? undefined : { scope, field: "variations", value };
  }
  return undefined;
}

/**
 * `/settings` arguments: nothing (show), `place` (show the place's), `reset`, or changes separated by
 * `;`: `ratio 9:16`, `length 15`, `language zh-CN`, `private on`, `place ratio 16:9`,
 * `place max-length 30`, `place variations 3`, `place private off`. Anything else is invalid (nothing
 * changes). The same words come from the platforms' menus and forms.
 */
export function parseSettingsArgs(arg: string | undefined): SettingsRequest {
  const text = (arg ?? "").normalize("NFKC").trim().toLowerCase();
  if (text === "") return { kind: "show", scope: "member" };
  if (text === "place") return { kind: "show", scope: "place" };
  if (text === "reset") return { kind: "reset" };
  const edits: SettingsEdit[] = [];
  for (const part of text.split(/[;\n]+/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const scope = words[0] === "place" ? "place" : "member";
    const [field, ...rest] = scope === "place" ? words.slice(1) : words;
    const found = field && rest.length > 0 ? edit(scope, field, rest.join(" ")) : undefined;
    if (!found) return { kind: "invalid" };
    edits.push(found);
  }
  return edits.length > 0 ? { kind: "change", edits } : { kind: "invalid" };
}
