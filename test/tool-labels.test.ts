import { describe, expect, it } from "vitest";
import { text } from "../src/core/conversation/texts.js";
import { isLongGeneration, toolLabel } from "../src/core/conversation/tool-labels.js";

describe("toolLabel", () => {
  it.each([
    ["generate_video", "🎬 Generating video — usually 2–5 min"],
    ["seedance_v1_pro", "🎬 Generating video — usually 2–5 min"],
    ["SeedanceGenerate", "🎬 Generating video — usually 2–5 min"],
    ["video_gen", "🎬 Generating video — usually 2–5 min"],
    ["text_to_video", "🎬 Generating video — usually 2–5 min"],
    ["image_to_video", "🎬 Generating video — usually 2–5 min"],
    ["generate_image", "🖼️ Generating image…"],
    ["add_music", "🎵 Adding music…"],
    ["add_bgm", "🎵 Adding music…"],
    ["generateAudio", "🎵 Adding music…"],
    ["add_voiceover", "🎙️ Adding a voice-over…"],
    ["add_title", "🔤 Adding text…"],
    ["add_subtitles", "🔤 Adding text…"],
    ["add_text_overlay", "🔤 Adding text…"],
    ["add_caption", "🔤 Adding text…"],
    ["add_post_production", "✨ Adding music and a title…"],
    ["postProduction", "✨ Adding music and a title…"],
    ["upload_media", "📥 Importing media…"],
    ["import_url", "📥 Importing media…"],
    ["render_video", "🎞️ Rendering…"],
    ["export_draft", "🎞️ Rendering…"],
    ["trim_video", "✂️ Editing…"],
    ["cut_clip", "✂️ Editing…"],
    ["edit_timeline", "✂️ Editing…"],
    ["remove_title", "✂️ Editing…"],
    ["trim_audio", "✂️ Editing…"],
    ["execute_plan", "⚙️ Working…"],
    ["subtext_analyzer", "⚙️ Working…"],
    ["", "⚙️ Working…"],
    ["think", "⚙️ Working…"],
  ])("%j → %s", (name, label) => {
    expect(toolLabel(name, "en")).toBe(label);
  });

  it("speaks Chinese", () => {
    expect(toolLabel("generate_video", "zh-CN")).toBe(text("zh-CN", "tool_generate_video"));
    expect(toolLabel("add_music", "zh-CN")).toBe("🎵 正在添加音乐…");
    expect(toolLabel("whatever", "zh-CN")).toBe("⚙️ 处理中…");
  });
});

describe("isLongGeneration", () => {
  it.each(["generate_video", "seedance", "seedance_1_lite", "GenerateVideo", "text_to_video", "i2v"])(
    "%j is long",
    (name) => {
      expect(isLongGeneration(name)).toBe(true);
    },
  );

  it.each([
    "add_music",
    "generate_image",
    "trim_video",
    "add_post_production",
    "render_video",
    "video_info",
    "",
  ])("%j is not", (name) => {
    expect(isLongGeneration(name)).toBe(false);
  });
});
