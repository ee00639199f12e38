import { describe, expect, it } from "vitest";
import { backendLanguage, langFromLocale } from "../src/core/conversation/language.js";

describe("langFromLocale", () => {
  it.each(["zh", "zh-CN", "zh-cn", "zh-Hans", "zh_TW", "zh-TW", "zh-Hant-HK", " ZH-cn "])(
    "%j → zh-CN",
    (locale) => {
      expect(langFromLocale(locale)).toBe("zh-CN");
    },
  );

  it.each([undefined, "", "en", "en-US", "ja", "pt-BR", "zu", "zhx", "not a locale"])("%j → en", (locale) => {
    expect(langFromLocale(locale)).toBe("en");
  });
});

describe("backendLanguage", () => {
  it.each([
    [undefined, "en"],
    ["", "en"],
    ["en-US", "en"],
    ["en-GB", "en"],
    ["es-ES", "es"],
    ["es-419", "es"],
    ["ja", "ja"],
    ["ko", "ko"],
    ["fr_FR", "fr"],
    ["DE-de", "de"],
    ["zh", "zh-CN"],
    ["zh-CN", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["zh-TW", "zh-TW"],
    ["zh_HK", "zh-TW"],
    ["zh-Hant", "zh-TW"],
    ["pt-BR", "pt-BR"],
    ["pt_pt", "pt-PT"],
    ["pt", "pt"],
    ["fil", "fil"],
    ["12-34", "en"],
    ["english", "en"],
  ])("%j → %s", (locale, expected) => {
    expect(backendLanguage(locale)).toBe(expected);
  });
});
