import { describe, expect, it } from "vitest";
import {
  elapsedText,
  exportProgressText,
  labelWithElapsed,
  progressBar,
  remainingMs,
} from "../src/core/conversation/progress-bar.js";

describe("progress people can read", () => {
  it("draws a ten-cell bar with the percentage", () => {
    expect(progressBar(0)).toBe("░░░░░░░░░░ 0%");
    expect(progressBar(52)).toBe("▓▓▓▓▓░░░░░ 52%");
    expect(progressBar(100)).toBe("▓▓▓▓▓▓▓▓▓▓ 100%");
    expect(progressBar(140)).toBe("▓▓▓▓▓▓▓▓▓▓ 100%");
  });

  it("estimates the time left from the rate observed so far", () => {
    expect(remainingMs(0, 10_000)).toBeUndefined();
    expect(remainingMs(100, 10_000)).toBeUndefined();
    expect(remainingMs(50, 30_000)).toBe(30_000);
    expect(exportProgressText("en", 52, 43_000)).toBe("🎞️ Exporting… ▓▓▓▓▓░░░░░ 52% · about 40 s left");
    expect(exportProgressText("en", 20, 60_000)).toBe("🎞️ Exporting… ▓▓░░░░░░░░ 20% · about 4 min left");
    expect(exportProgressText("en", 0, 0)).toBe("🎞️ Exporting… ░░░░░░░░░░ 0%");
    expect(exportProgressText("zh-CN", 52, 43_000)).toBe("🎞️ 正在导出… ▓▓▓▓▓░░░░░ 52% · 约剩 40 秒");
  });

  it("shows the generation step with the time spent", () => {
    expect(elapsedText("en", 42_400)).toBe("42 s");
    expect(elapsedText("en", 185_000)).toBe("3 min 05 s");
    expect(labelWithElapsed("en", "🎬 Generating video — usually 2–5 min", 75_000)).toBe(
      "🎬 Generating video — usually 2–5 min · 1 min 15 s",
    );
    expect(elapsedText("zh-CN", 185_000)).toBe("3 分 05 秒");
  });
});
