import { type AspectRatio, isAspectRatio } from "../../core/conversation/generation-settings.js";

/** Settings (issue 21): what a message's settings line asked for, kept on the session. */
export interface SimSettings {
  ratio?: AspectRatio | undefined;
  lengthSeconds?: number | undefined;
}

/** `[Video settings: aspect ratio 9:16, length about 15 seconds]` or `[视频设置：画面比例 9:16，时长约 15 秒]`. */
const LINE = /^\s*\[(?:video settings|视频设置)\s*[:：]\s*([^\]\n]*)\]\s*\n?/i;
const RATIO = /(\d{1,2}:\d{1,2})/;
const LENGTH = /(\d{1,4})\s*(?:seconds?|s\b|秒)/i;

/**
 * The settings line a message starts with (docs/backend-protocol.md, "Generation settings"), and the
 * message without it; `settings` undefined when it has none.
 */
export function takeSettingsLine(text: string): { settings?: SimSettings; text: string } {
  const match = LINE.exec(text);
  if (!match) return { text };
  const body = match[1] ?? "";
  const ratio = RATIO.exec(body)?.[1];
  const length = Number(LENGTH.exec(body)?.[1]);
  return {
    settings: {
      ratio: isAspectRatio(ratio) ? ratio : undefined,
      lengthSeconds: length > 0 ? length : undefined,
    },
    text: text.slice(match[0].length),
  };
}

/** The frame of a ratio (1080 p): 16:9 → 1920×1080, 9:16 → 1080×1920, 1:1 → 1080×1080. */
export function frameOf(ratio: AspectRatio | undefined): { width: number; height: number } {
  if (ratio === "9:16") return { width: 1080, height: 1920 };
  if (ratio === "1:1") return { width: 1080, height: 1080 };
  return { width: 1920, height: 1080 };
}
