/** The languages the bot's own texts are written in. Every Chinese locale gets Simplified Chinese. */
export type Lang = "en" | "zh-CN";

/** Primary subtag and optional region/script subtags of a BCP 47 / Discord / Slack locale, lower-cased. */
function subtags(locale: string | undefined): string[] {
  if (!locale) return [];
  return locale
    .trim()
    .replace(/_/g, "-")
    .toLowerCase()
    .split("-")
    .filter((part) => part.length > 0);
}

/**
 * The language of the bot's replies for a user's locale: any Chinese locale (`zh`, `zh-CN`, `zh-Hans`,
 * `zh_TW`, …) → `"zh-CN"`; everything else, and no locale at all → `"en"`.
 */
export function langFromLocale(locale?: string): Lang {
  return subtags(locale)[0] === "zh" ? "zh-CN" : "en";
}

const TRADITIONAL_CHINESE = new Set(["tw", "hk", "mo", "hant"]);

/**
 * The ISO language code to create a backend session with (`en`, `zh-CN`, `ja`, `es`, …) from a
 * BCP 47 / Discord / Slack locale (`en-US`, `es-ES`, `ja`, `pt-BR`). The region is dropped except for
 * Chinese (`zh-CN`, or `zh-TW` for Traditional locales) and Portuguese (`pt-BR`, `pt-PT`).
 * Unknown or malformed input → `"en"`.
 */
export function backendLanguage(locale?: string): string {
  const [primary, ...rest] = subtags(locale);
  if (!primary || !/^[a-z]{2,3}$/.test(primary)) return "en";
  if (primary === "zh") return rest.some((tag) => TRADITIONAL_CHINESE.has(tag)) ? "zh-TW" : "zh-CN";
  if (primary === "pt") {
    const region = rest.find((tag) => /^[a-z]{2}$/.test(tag));
    return region ? `pt-${region.toUpperCase()}` : "pt";
  }
  return primary;
}
