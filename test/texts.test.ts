import { describe, expect, it } from "vitest";
import type { Lang } from "../src/core/conversation/language.js";
import type { ActionKind } from "../src/core/conversation/reply.js";
import { queuedText, TEXT_KEYS, TEXTS, text } from "../src/core/conversation/texts.js";

const LANGS: Lang[] = ["en", "zh-CN"];
const params = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe("texts", () => {
  it("has every key, non-empty, in every language and nothing extra", () => {
    expect(TEXT_KEYS.length).toBeGreaterThan(50);
    for (const lang of LANGS) {
      expect(Object.keys(TEXTS[lang]).sort()).toEqual([...TEXT_KEYS].sort());
      for (const key of TEXT_KEYS) expect(TEXTS[lang][key].trim(), `${lang}.${key}`).not.toBe("");
    }
  });

  it("uses the same {params} in English and Chinese", () => {
    for (const key of TEXT_KEYS) {
      expect(params(TEXTS["zh-CN"][key]), key).toEqual(params(TEXTS.en[key]));
    }
  });

  it("really translates: every Chinese text contains Chinese and differs from the English", () => {
    // A field's example value (a URL) reads the same in every language.
    const languageNeutral = new Set(["discord_media_placeholder"]);
    for (const key of TEXT_KEYS.filter((key) => !languageNeutral.has(key))) {
      const zh = TEXTS["zh-CN"][key];
      expect(/\p{Script=Han}/u.test(zh), `${key}: ${zh}`).toBe(true);
      expect(zh, key).not.toBe(TEXTS.en[key]);
    }
  });

  it("interpolates parameters, numbers included", () => {
    expect(text("en", "credits", { available: 80, frozen: 20, total: 100 })).toBe(
      "Credits: 80 available, 20 reserved, 100 total",
    );
    expect(text("zh-CN", "credits", { available: 80, frozen: 20, total: 100 })).toBe(
      "积分：可用 80，预留 20，共 100",
    );
    expect(text("en", "export_done", { url: "https://x.test/v.mp4" })).toBe(
      "✅ Your video is ready: https://x.test/v.mp4",
    );
    expect(text("en", "upload_added", { name: "a.mp4", duration: "0:12", width: 1920, height: 1080 })).toBe(
      "Added a.mp4 — 0:12, 1920×1080",
    );
  });

  it("replaces every occurrence and does not re-interpolate inserted values", () => {
    expect(text("en", "upload_started", { name: "{name}" })).toBe("📥 Uploading {name}…");
    expect(text("en", "still_working", { minutes: "$&" })).toBe("⏳ Still working ($& min)");
  });

  it("leaves a placeholder without a parameter visible and ignores inherited names", () => {
    expect(text("en", "export_started")).toBe("🎞️ Exporting… {progress}%");
    expect(text("en", "export_started", {})).toBe("🎞️ Exporting… {progress}%");
    expect(text("en", "upload_started", Object.create({ name: "x" }) as Record<string, string>)).toBe(
      "📥 Uploading {name}…",
    );
  });

  it("has a button label for every action kind", () => {
    const kinds: ActionKind[] = ["export", "timeline", "credits", "cancel", "retry", "new", "help"];
    for (const kind of kinds) expect(TEXT_KEYS).toContain(`button_${kind}`);
  });

  it("returns texts without parameters verbatim", () => {
    expect(text("en", "ack")).toBe("⏳ On it…");
    expect(text("en", "button_new")).toBe("New project");
    expect(text("zh-CN", "button_export")).toBe("导出");
  });

  it("words the queue line for 0, 1 and many messages ahead", () => {
    expect(queuedText("en", 0)).toBe("⏳ Queued — you're next in this thread");
    expect(queuedText("en", 1)).toBe("⏳ Queued — 1 message ahead in this thread");
    expect(queuedText("en", 3)).toBe("⏳ Queued — 3 messages ahead in this thread");
    expect(queuedText("zh-CN", 3)).toBe("⏳ 已排队 — 本话题中前面还有 3 条消息");
  });

  it("never mentions a platform-specific gesture in help", () => {
    for (const lang of LANGS) expect(TEXTS[lang].help).not.toMatch(/slash|\/\w|discord|slack|right-click/i);
  });
});
