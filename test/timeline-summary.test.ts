import { describe, expect, it } from "vitest";
import {
  draftDurationMs,
  formatSeconds,
  isExportReady,
  summarizeTimeline,
} from "../src/core/nemo/timeline-summary.js";
import type { Draft } from "../src/core/nemo/types.js";

const EXAMPLE: Draft = {
  t: [
    { tt: 0, sg: [{ s: 0, d: 10_000, m: { title: "city timelapse" } }] },
    { tt: 1, sg: [{ s: 0, d: 10_000, m: { name: "Lo-fi", volume: 0.35 } }] },
    { tt: 7, sg: [{ s: 0, d: 3_000, m: { text: "Urban Dreams" } }] },
  ],
};

describe("summarizeTimeline", () => {
  it("produces the backend protocol's example exactly", () => {
    expect(summarizeTimeline(EXAMPLE)).toBe(
      'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)',
    );
  });

  it("writes the Chinese form", () => {
    expect(summarizeTimeline(EXAMPLE, "zh-CN")).toBe(
      "时间线（3 条轨道）：1. 视频：city timelapse（0-10秒） 2. 背景音乐：Lo-fi（0-10秒，35%） 3. 标题：“Urban Dreams”（0-3秒）",
    );
  });

  it("says the timeline is empty for null, undefined, no tracks and malformed drafts", () => {
    for (const draft of [null, undefined, {}, { t: [] }, { t: "nope" } as unknown as Draft]) {
      expect(summarizeTimeline(draft)).toBe("Timeline is empty.");
      expect(summarizeTimeline(draft, "zh-CN")).toBe("时间线为空。");
    }
  });

  it("uses the singular for one track", () => {
    expect(summarizeTimeline({ t: [{ tt: 0, sg: [{ d: 5000, m: { name: "clip" } }] }] })).toBe(
      "Timeline (1 track): 1. Video: clip (0-5s)",
    );
  });

  it("names unknown track kinds 'Track'", () => {
    expect(summarizeTimeline({ t: [{ tt: 3, sg: [{ d: 2000, m: { name: "sticker" } }] }] })).toBe(
      "Timeline (1 track): 1. Track: sticker (0-2s)",
    );
    expect(summarizeTimeline({ t: [{ tt: 3, sg: [{ d: 2000 }] }] }, "zh-CN")).toBe(
      "时间线（1 条轨道）：1. 轨道：未命名（0-2秒）",
    );
  });

  it("falls back from segment labels to track labels to 'untitled'", () => {
    const draft: Draft = {
      t: [
        { tt: 0, m: { title: "Main" }, sg: [{ d: 1000 }] },
        { tt: 0, sg: [{ d: 1000, m: {} }] },
        { tt: 0, sg: [{ d: 1000, m: { name: "  ", title: "" } }] },
      ],
    };
    expect(summarizeTimeline(draft)).toBe(
      "Timeline (3 tracks): 1. Video: Main (0-1s) 2. Video: untitled (0-1s) 3. Video: untitled (0-1s)",
    );
  });

  it("prefers the on-screen text on title tracks, and title over name elsewhere", () => {
    const draft: Draft = {
      t: [
        { tt: 0, sg: [{ d: 1000, m: { name: "n", title: "t", text: "x" } }] },
        { tt: 7, sg: [{ d: 1000, m: { name: "Text 1", text: "Hello" } }] },
        { tt: 7, sg: [{ d: 1000 }] },
      ],
    };
    expect(summarizeTimeline(draft)).toBe(
      'Timeline (3 tracks): 1. Video: t (0-1s) 2. Title: "Hello" (0-1s) 3. Title: untitled (0-1s)',
    );
  });

  it("lists several segments, placing a segment without a start right after the previous one", () => {
    const draft: Draft = {
      t: [
        {
          tt: 0,
          sg: [
            { d: 5000, m: { name: "a" } },
            { d: 5000, m: { name: "b" } },
            { s: 12_000, d: 2500 },
          ],
        },
      ],
    };
    expect(summarizeTimeline(draft)).toBe(
      "Timeline (1 track): 1. Video: a (0-5s), b (5-10s), untitled (12-14.5s)",
    );
    expect(summarizeTimeline(draft, "zh-CN")).toBe(
      "时间线（1 条轨道）：1. 视频：a（0-5秒）、b（5-10秒）、未命名（12-14.5秒）",
    );
  });

  it("caps a long segment list", () => {
    const sg = Array.from({ length: 10 }, (_, i) => ({ d: 1000, m: { name: `c${i}` } }));
    const text = summarizeTimeline({ t: [{ tt: 0, sg }] });
    expect(text).toContain("c7 (7-8s), and 2 more");
    expect(text).not.toContain("c8");
  });

  it("handles missing durations, missing segments and empty tracks", () => {
    const draft: Draft = {
      t: [
        { tt: 0, sg: [{ s: 5000, m: { name: "open" } }] },
        { tt: 1, m: { name: "Jazz" } },
        { tt: 7, sg: [] },
      ],
    };
    expect(summarizeTimeline(draft)).toBe(
      "Timeline (3 tracks): 1. Video: open (from 5s) 2. BGM: Jazz (empty) 3. Title: untitled (empty)",
    );
    expect(summarizeTimeline(draft, "zh-CN")).toBe(
      "时间线（3 条轨道）：1. 视频：open（从5秒起） 2. 背景音乐：Jazz（空） 3. 标题：未命名（空）",
    );
  });

  it("shows audio volume in both forms, from the segment or the track, and only on audio", () => {
    const audio = (volume: unknown, trackVolume?: unknown): Draft => ({
      t: [
        {
          tt: 1,
          m: trackVolume === undefined ? {} : { volume: trackVolume },
          sg: [{ d: 1000, m: { name: "m", volume } }],
        },
      ],
    });
    expect(summarizeTimeline(audio(0.35))).toContain("m (0-1s, 35%)");
    expect(summarizeTimeline(audio(35))).toContain("m (0-1s, 35%)");
    expect(summarizeTimeline(audio(1))).toContain("m (0-1s, 100%)");
    expect(summarizeTimeline(audio(0))).toContain("m (0-1s, 0%)");
    expect(summarizeTimeline(audio("0.5"))).toContain("m (0-1s, 50%)");
    expect(summarizeTimeline(audio(undefined, 0.8))).toContain("m (0-1s, 80%)");
    expect(summarizeTimeline(audio(undefined))).toContain("m (0-1s)");
    expect(summarizeTimeline(audio(-1))).toContain("m (0-1s)");
    expect(
      summarizeTimeline({ t: [{ tt: 0, sg: [{ d: 1000, m: { name: "v", volume: 0.5 } }] }] }),
    ).not.toContain("%");
  });

  it("cleans up and shortens labels", () => {
    const long = "word ".repeat(30);
    const text = summarizeTimeline({
      t: [
        {
          tt: 0,
          sg: [
            { d: 1000, m: { name: "a\n  b" } },
            { d: 1000, m: { name: long } },
          ],
        },
      ],
    });
    expect(text).toContain("Video: a b (0-1s), ");
    expect(text).toMatch(/word…/);
  });

  it("skips malformed tracks and segments", () => {
    const draft = { t: [null, 5, { tt: 0, sg: [null, { d: "2000", m: "x" }] }] } as unknown as Draft;
    expect(summarizeTimeline(draft)).toBe("Timeline (1 track): 1. Video: untitled (0-2s)");
  });
});

describe("formatSeconds", () => {
  it("prints whole seconds plainly and one decimal otherwise", () => {
    expect(formatSeconds(0)).toBe("0");
    expect(formatSeconds(10_000)).toBe("10");
    expect(formatSeconds(2500)).toBe("2.5");
    expect(formatSeconds(3333)).toBe("3.3");
    expect(formatSeconds(9999)).toBe("10");
    expect(formatSeconds(49)).toBe("0");
  });
});

describe("isExportReady", () => {
  it("needs a track with a non-empty sg", () => {
    expect(isExportReady(EXAMPLE)).toBe(true);
    expect(isExportReady(null)).toBe(false);
    expect(isExportReady(undefined)).toBe(false);
    expect(isExportReady({})).toBe(false);
    expect(isExportReady({ t: [] })).toBe(false);
    expect(isExportReady({ t: [{ tt: 0 }, { tt: 1, sg: [] }] })).toBe(false);
    expect(
      isExportReady({
        t: [
          { tt: 0, sg: [] },
          { tt: 7, sg: [{}] },
        ],
      }),
    ).toBe(true);
  });
});

describe("draftDurationMs", () => {
  it("is the end of the last segment on any track", () => {
    expect(draftDurationMs(EXAMPLE)).toBe(10_000);
    expect(draftDurationMs(null)).toBe(0);
    expect(
      draftDurationMs({
        t: [
          { tt: 0, sg: [{ d: 4000 }, { d: 3000 }] },
          { tt: 7, sg: [{ s: 6000, d: 2000 }] },
        ],
      }),
    ).toBe(8000);
  });
});
