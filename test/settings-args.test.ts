import { describe, expect, it } from "vitest";
import {
  settingsDirective,
  settingsFingerprint,
  settingsTag,
} from "../src/core/conversation/generation-settings.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { routeInbound } from "../src/core/conversation/router.js";
import { parseSettingsArgs } from "../src/core/conversation/settings-args.js";
import { frameOf, takeSettingsLine } from "../src/simulator/sessions/settings-line.js";

describe("settings (issue 21): typed changes, the settings line, the simulator's reading of it", () => {
  it("parses the typed forms of every platform, and refuses anything else whole", () => {
    expect(parseSettingsArgs(undefined)).toEqual({ kind: "show", scope: "member" });
    expect(parseSettingsArgs(" place ")).toEqual({ kind: "show", scope: "place" });
    expect(parseSettingsArgs("RESET")).toEqual({ kind: "reset" });
    expect(parseSettingsArgs("ratio 9:16; length 15s; language zh-CN; private on")).toEqual({
      kind: "change",
      edits: [
        { scope: "member", field: "aspectRatio", value: "9:16" },
        { scope: "member", field: "lengthSeconds", value: 15 },
        { scope: "member", field: "language", value: "zh-CN" },
        { scope: "member", field: "privateResults", value: true },
      ],
    });
    expect(
      parseSettingsArgs("place max-length 30; place variations 3; place private off; place ratio off"),
    ).toEqual({
      kind: "change",
      edits: [
        { scope: "place", field: "maxLengthSeconds", value: 30 },
        { scope: "place", field: "variations", value: 3 },
        { scope: "place", field: "privateForbidden", value: true },
        { scope: "place", field: "aspectRatio", value: null },
      ],
    });
    for (const wrong of [
      "ratio 4:3",
      "length 0",
      "length 9999",
      "length 61",
      "place max-length 120",
      "place variations 5",
      "max-length 30",
      "ratio",
      "ratio 9:16; colour red",
    ])
      expect(parseSettingsArgs(wrong), wrong).toEqual({ kind: "invalid" });
  });

  it("routes /settings with its change, typed or from a menu", () => {
    const inbound: Inbound = {
      id: "1",
      ref: { platform: "console", workspace: "w", channel: "c", thread: "t" },
      user: { id: "u" },
      text: "",
      attachments: [],
    };
    expect(routeInbound({ ...inbound, text: "/settings ratio 9:16" })).toEqual({
      kind: "settings",
      arg: "ratio 9:16",
    });
    expect(
      routeInbound({ ...inbound, text: "", action: { kind: "settings", arg: "place max-length 30" } }),
    ).toEqual({
      kind: "settings",
      arg: "place max-length 30",
    });
  });

  it("builds the settings line in the session's language, and the simulator reads it back", () => {
    const settings = { aspectRatio: "9:16", lengthSeconds: 15 } as const;
    expect(settingsDirective(settings, "en")).toBe(
      "[Video settings: aspect ratio 9:16, length about 15 seconds]",
    );
    expect(settingsDirective(settings, "zh-CN")).toBe("[视频设置：画面比例 9:16，时长约 15 秒]");
    expect(settingsDirective({ language: "en" }, "en")).toBe("");
    expect(settingsFingerprint({ language: "zh-CN" })).toBe("");
    expect(settingsFingerprint(settings)).not.toBe(settingsFingerprint({ ...settings, lengthSeconds: 30 }));
    expect(settingsTag(settings)).toBe(" · 9:16 · ~15 s");
    for (const language of ["en", "zh-CN"]) {
      const taken = takeSettingsLine(`${settingsDirective(settings, language)}\nmake a video of a kite`);
      expect(taken).toEqual({
        settings: { ratio: "9:16", lengthSeconds: 15 },
        text: "make a video of a kite",
      });
    }
    expect(takeSettingsLine("make a video [Video settings: aspect ratio 1:1]")).toEqual({
      text: "make a video [Video settings: aspect ratio 1:1]",
    });
    expect([frameOf("9:16"), frameOf("1:1"), frameOf(undefined)]).toEqual([
      { width: 1080, height: 1920 },
      { width: 1080, height: 1080 },
      { width: 1920, height: 1080 },
    ]);
  });
});
