import type { Lang } from "./language.js";
import { EN, type TextKey } from "./texts-en.js";
import { ZH_CN } from "./texts-zh-cn.js";

export type { TextKey };

/** Every text in every language; for tests and for adapters that need a whole table. */
export const TEXTS: Readonly<Record<Lang, Readonly<Record<TextKey, string>>>> = { en: EN, "zh-CN": ZH_CN };

/** All text keys, in declaration order. */
export const TEXT_KEYS = Object.keys(EN) as TextKey[];

/**
 * The text `key` in `lang`, with every `{name}` replaced by `params[name]`. A placeholder without a
 * matching parameter is left as it is, so a missing parameter is visible (and caught by tests).
 */
export function text(lang: Lang, key: TextKey, params?: Record<string, string | number>): string {
  const template = TEXTS[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/** "1 message", "2 messages" (and 1 条消息): a count of turns, video generations or exports, in words. */
export function countText(lang: Lang, kind: "turns" | "generations" | "exports", n: number): string {
  return n === 1 ? text(lang, `count_${kind}_one`) : text(lang, `count_${kind}_many`, { n });
}

/** The queued note of a message with `ahead` messages before it in its thread (singular/plural handled). */
export function queuedText(lang: Lang, ahead: number): string {
  if (ahead <= 0) return text(lang, "queued_next");
  if (ahead === 1) return text(lang, "queued_one");
  return text(lang, "queued_many", { ahead });
}
