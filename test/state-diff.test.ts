import { describe, expect, it } from "vitest";
import {
  describeStateChange,
  type StateSnapshot,
  snapshotState,
  stateFingerprint,
} from "../src/core/nemo/state-diff.js";
import type { Draft, NemoState } from "../src/core/nemo/types.js";

function state(draft: Draft | null, extra: Partial<NemoState> = {}): NemoState {
  return { draft, videoInfos: [], canvasConfig: null, generatedMedia: [], ...extra };
}

const video = (name: string, d: number) => ({ tt: 0, sg: [{ s: 0, d, m: { name } }] });
const music = (name: string, volume = 0.35) => ({ tt: 1, sg: [{ s: 0, d: 10_000, m: { name, volume } }] });
const title = (text: string, d = 3000) => ({ tt: 7, sg: [{ s: 0, d, m: { text } }] });

const BASE = state({ t: [video("city timelapse", 10_000), music("Lo-fi"), title("Urban Dreams")] });

describe("describeStateChange", () => {
  it("reports nothing for identical states, even with keys in another order", () => {
    const reordered: NemoState = {
      generatedMedia: [],
      canvasConfig: null,
      videoInfos: [],
      draft: {
        t: [
          { sg: [{ m: { name: "city timelapse" }, d: 10_000, s: 0 }], tt: 0 },
          music("Lo-fi"),
          title("Urban Dreams"),
        ],
      },
    };
    expect(describeStateChange(BASE, reordered)).toEqual({ changed: false, lines: [] });
    expect(describeStateChange(null, state(null))).toEqual({ changed: false, lines: [] });
  });

  it("describes a title text change", () => {
    const after = state({ t: [video("city timelapse", 10_000), music("Lo-fi"), title("Night Lights")] });
    expect(describeStateChange(BASE, after)).toEqual({
      changed: true,
      lines: ['Title changed from "Urban Dreams" to "Night Lights"'],
    });
    expect(describeStateChange(BASE, after, "zh-CN").lines).toEqual([
      "标题由“Urban Dreams”改为“Night Lights”",
    ]);
  });

  it("describes a video length change once, without repeating it as the total", () => {
    const after = state({ t: [video("city timelapse", 5000), music("Lo-fi"), title("Urban Dreams")] });
    const change = describeStateChange(BASE, after);
    // The music still runs 10 s, so the total does not change.
    expect(change.lines).toEqual(["Video length 10s → 5s"]);
    const alone = describeStateChange(state({ t: [video("a", 10_000)] }), state({ t: [video("a", 5000)] }));
    expect(alone.lines).toEqual(["Video length 10s → 5s"]);
    expect(
      describeStateChange(state({ t: [video("a", 10_000)] }), state({ t: [video("a", 5000)] }), "zh-CN")
        .lines,
    ).toEqual(["视频时长 10秒 → 5秒"]);
  });

  it("reports the total length when a clip is added", () => {
    const after = state({
      t: [
        {
          tt: 0,
          sg: [
            { s: 0, d: 10_000, m: { name: "city timelapse" } },
            { d: 5000, m: { name: "sunset" } },
          ],
        },
        music("Lo-fi"),
        title("Urban Dreams"),
      ],
    });
    expect(describeStateChange(BASE, after).lines).toEqual([
      "Added video clip: sunset (10-15s)",
      "Total length 10s → 15s",
    ]);
  });

  it("reports a removed clip without the shifts it causes", () => {
    const two = (names: string[]) =>
      state({ t: [{ tt: 0, sg: names.map((name) => ({ d: 5000, m: { name } })) }] });
    expect(describeStateChange(two(["a", "b", "c"]), two(["b", "c"])).lines).toEqual([
      "Removed video clip: a (0-5s)",
      "Total length 15s → 10s",
    ]);
  });

  it("reports a moved title", () => {
    const after = state({
      t: [
        video("city timelapse", 10_000),
        music("Lo-fi"),
        { tt: 7, sg: [{ s: 2000, d: 3000, m: { text: "Urban Dreams" } }] },
      ],
    });
    expect(describeStateChange(BASE, after).lines).toEqual(["Title start 0s → 2s"]);
  });

  it("describes music added, removed, changed and its volume", () => {
    const noMusic = state({ t: [video("city timelapse", 10_000), title("Urban Dreams")] });
    expect(describeStateChange(noMusic, BASE).lines).toEqual(["Added music: Lo-fi (0-10s, 35%)"]);
    expect(describeStateChange(BASE, noMusic).lines).toEqual(["Removed music: Lo-fi (0-10s, 35%)"]);
    expect(describeStateChange(BASE, noMusic, "zh-CN").lines).toEqual(["移除背景音乐：Lo-fi（0-10秒，35%）"]);

    const jazz = state({ t: [video("city timelapse", 10_000), music("Jazz"), title("Urban Dreams")] });
    expect(describeStateChange(BASE, jazz).lines).toEqual(['Music changed from "Lo-fi" to "Jazz"']);

    const louder = state({ t: [video("city timelapse", 10_000), music("Lo-fi", 60), title("Urban Dreams")] });
    expect(describeStateChange(BASE, louder).lines).toEqual(["Music volume 35% → 60%"]);
    // 0.35 and 35 are the same volume: no volume line, only the generic one for the rewritten data.
    const same = state({ t: [video("city timelapse", 10_000), music("Lo-fi", 35), title("Urban Dreams")] });
    expect(describeStateChange(BASE, same)).toEqual({ changed: true, lines: ["The project was updated."] });
  });

  it("describes tracks added and removed by kind and label", () => {
    const onlyVideo = state({ t: [video("city timelapse", 10_000)] });
    expect(describeStateChange(onlyVideo, BASE).lines).toEqual([
      "Added music: Lo-fi (0-10s, 35%)",
      'Added title: "Urban Dreams" (0-3s)',
    ]);
    const withSecond = state({ t: [video("city timelapse", 10_000), video("overlay", 4000)] });
    expect(describeStateChange(onlyVideo, withSecond).lines).toEqual(["Added video track: overlay (0-4s)"]);
    expect(describeStateChange(withSecond, onlyVideo).lines).toEqual(["Removed video track: overlay (0-4s)"]);
    expect(describeStateChange(withSecond, onlyVideo, "zh-CN").lines).toEqual([
      "移除视频轨道：overlay（0-4秒）",
    ]);
    const other = state({
      t: [video("city timelapse", 10_000), { tt: 9, sg: [{ d: 1000, m: { name: "fx" } }] }],
    });
    expect(describeStateChange(onlyVideo, other).lines).toEqual(["Added track: fx (0-1s)"]);
  });

  it("treats a missing baseline as an empty project", () => {
    const change = describeStateChange(
      null,
      state({ t: [video("city timelapse", 10_000)] }, { canvasConfig: { width: 1920, height: 1080 } }),
    );
    expect(change).toEqual({ changed: true, lines: ["Added video track: city timelapse (0-10s)"] });
  });

  it("describes a cleared timeline", () => {
    expect(describeStateChange(state({ t: [title("Hi")] }), state(null)).lines).toEqual([
      'Removed title: "Hi" (0-3s)',
    ]);
  });

  it("describes new generated media and new videos", () => {
    const after = state(null, {
      generatedMedia: [{ type: "video", url: "https://cdn.example/gen1.mp4" }, { type: "image" }],
      videoInfos: [
        { url: "https://cdn.example/raw/clip%201.mp4?sig=1", duration: 12, width: 1920, height: 1080 },
        { filename: "intro.mov" },
      ],
    });
    const before = state(null, { videoInfos: [{ filename: "intro.mov" }] });
    expect(describeStateChange(before, after).lines).toEqual([
      "New generated video: https://cdn.example/gen1.mp4",
      "New generated image",
      "New video: clip 1.mp4 (12s, 1920×1080)",
    ]);
    expect(describeStateChange(before, after, "zh-CN").lines).toEqual([
      "生成了新的视频：https://cdn.example/gen1.mp4",
      "生成了新的图片",
      "新视频：clip 1.mp4（12秒，1920×1080）",
    ]);
  });

  it("describes canvas changes", () => {
    const wide = state(null, { canvasConfig: { width: 1920, height: 1080 } });
    const tall = state(null, { canvasConfig: { width: 1080, height: 1920 } });
    expect(describeStateChange(wide, tall).lines).toEqual(["Canvas 1920×1080 → 1080×1920"]);
    expect(describeStateChange(state(null), tall).lines).toEqual(["Canvas set to 1080×1920"]);
    const tinted = state(null, { canvasConfig: { width: 1920, height: 1080, background: "#000" } });
    expect(describeStateChange(wide, tinted).lines).toEqual(["Canvas settings changed"]);
  });

  it("never reports a real change as no change", () => {
    const before = state({ t: [video("a", 1000)], m: { revision: 1 } });
    const after = state({ t: [video("a", 1000)], m: { revision: 2 } });
    expect(describeStateChange(before, after)).toEqual({
      changed: true,
      lines: ["The project was updated."],
    });
    expect(describeStateChange(before, after, "zh-CN").lines).toEqual(["项目已更新。"]);
  });

  it("caps a long list of changes", () => {
    const after = state({ t: Array.from({ length: 20 }, (_, i) => video(`v${i}`, 1000)) });
    const { lines } = describeStateChange(state(null), after);
    expect(lines).toHaveLength(12);
    expect(lines[11]).toBe("…and 9 more changes");
  });

  it("matches segments by id when the backend gives one", () => {
    const seg = (id: string, name: string) => ({ id, d: 1000, m: { name } });
    const before = state({ t: [{ tt: 0, sg: [seg("1", "a"), seg("2", "b")] }] });
    const renamed = state({ t: [{ tt: 0, sg: [seg("1", "renamed"), seg("2", "b")] }] });
    expect(describeStateChange(before, renamed).lines).toEqual(['Video changed from "a" to "renamed"']);
    const swapped = state({ t: [{ tt: 0, sg: [seg("2", "b"), seg("1", "a")] }] });
    expect(describeStateChange(before, swapped).lines).toEqual([
      'Video "b" start 1s → 0s',
      'Video "a" start 0s → 1s',
    ]);
  });
});

describe("stateFingerprint", () => {
  it("is 16 hex digits and ignores key order", () => {
    const a: NemoState = {
      draft: { t: [{ tt: 0, sg: [{ d: 1, s: 0 }] }], m: { x: 1, y: 2 } },
      videoInfos: [],
      canvasConfig: null,
      generatedMedia: [],
    };
    const b: NemoState = {
      generatedMedia: [],
      canvasConfig: null,
      videoInfos: [],
      draft: { m: { y: 2, x: 1 }, t: [{ sg: [{ s: 0, d: 1 }], tt: 0 }] },
    };
    expect(stateFingerprint(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(stateFingerprint(a)).toBe(stateFingerprint(b));
  });

  it("changes with content and array order, and ignores undefined members", () => {
    const base = state({ t: [video("a", 1000), video("b", 1000)] });
    expect(stateFingerprint(base)).not.toBe(
      stateFingerprint(state({ t: [video("b", 1000), video("a", 1000)] })),
    );
    expect(stateFingerprint(base)).not.toBe(
      stateFingerprint(state({ t: [video("a", 1001), video("b", 1000)] })),
    );
    expect(stateFingerprint(state({ t: [], m: { gone: undefined } }))).toBe(
      stateFingerprint(state({ t: [], m: {} })),
    );
  });
});

describe("a state snapshot (what a sent marker keeps)", () => {
  /** Through JSON, as it comes back from Redis. */
  const stored = (before: NemoState): StateSnapshot => JSON.parse(JSON.stringify(snapshotState(before)));
  const seg = (id: string, name: string, d = 1000) => ({ id, d, m: { name } });
  const pairs: [string, NemoState, NemoState][] = [
    ["identical", BASE, structuredClone(BASE)],
    [
      "music volume",
      BASE,
      state({ t: [video("city timelapse", 10_000), music("Lo-fi", 0.6), title("Urban Dreams")] }),
    ],
    ["removed music", BASE, state({ t: [video("city timelapse", 10_000), title("Urban Dreams")] })],
    ["new title text", BASE, state({ t: [video("city timelapse", 10_000), music("Lo-fi"), title("Night")] })],
    ["length", state({ t: [video("a", 10_000)] }), state({ t: [video("a", 5000)] })],
    ["no baseline draft", state(null), BASE],
    ["to empty", BASE, state(null)],
    [
      "segment ids",
      state({ t: [{ tt: 0, sg: [seg("1", "a"), seg("2", "b")] }] }),
      state({ t: [{ tt: 0, sg: [seg("2", "b"), seg("1", "a")] }] }),
    ],
    [
      "media and videos",
      state(null, { videoInfos: [{ filename: "intro.mov" }], generatedMedia: [{ type: "image" }] }),
      state(null, {
        generatedMedia: [{ type: "image" }, { type: "video", url: "https://cdn.example/gen1.mp4" }],
        videoInfos: [
          { filename: "intro.mov" },
          { url: "https://cdn.example/raw/clip%201.mp4?sig=1", duration: 12 },
        ],
      }),
    ],
    [
      "canvas size",
      state(null, { canvasConfig: { width: 1920, height: 1080 } }),
      state(null, { canvasConfig: { width: 1080, height: 1920 } }),
    ],
    [
      "canvas other",
      state(null, { canvasConfig: { width: 1920, height: 1080 } }),
      state(null, { canvasConfig: { width: 1920, height: 1080, background: "#000" } }),
    ],
    [
      "undescribed change",
      state({ t: [video("a", 1000)], m: { revision: 1 } }),
      state({ t: [video("a", 1000)], m: { revision: 2 } }),
    ],
  ];

  it.each(pairs)("describes the same change as the whole state: %s", (_, before, after) => {
    for (const lang of ["en", "zh-CN"] as const) {
      expect(describeStateChange(stored(before), after, lang)).toEqual(
        describeStateChange(before, after, lang),
      );
    }
  });

  it("stays small when the state is large: no raw metadata, no URLs", () => {
    const bulky = {
      prompt: "x".repeat(5000),
      keyframes: Array.from({ length: 200 }, (_, i) => ({ i, v: "y".repeat(40) })),
    };
    const big = state(
      {
        t: [
          {
            tt: 0,
            sg: Array.from({ length: 20 }, (_, i) => ({ d: 1000, m: { name: `shot ${i}`, ...bulky } })),
          },
        ],
      },
      {
        videoInfos: Array.from({ length: 50 }, (_, i) => ({
          url: `https://cdn.example/${"p".repeat(300)}/${i}.mp4?sig=${"s".repeat(200)}`,
        })),
        generatedMedia: Array.from({ length: 50 }, (_, i) => ({
          type: "video",
          url: `https://cdn.example/gen/${i}-${"q".repeat(400)}.mp4`,
        })),
      },
    );
    const whole = JSON.stringify(big).length;
    const kept = JSON.stringify(snapshotState(big)).length;
    expect(kept).toBeLessThan(whole / 20);
    expect(describeStateChange(stored(big), big)).toEqual({ changed: false, lines: [] });
  });
});
