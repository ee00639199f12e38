import { describe, expect, it } from "vitest";
import { translateBackendText } from "../src/core/conversation/gui-translation.js";
import { text } from "../src/core/conversation/texts.js";

const EXPORT = text("en", "gui_export");
const TIMELINE = text("en", "gui_timeline");
const CREDITS = text("en", "gui_credits");
const DRAG = text("en", "gui_drag");
const OTHER = text("en", "gui_other");
const UPLOAD = text("en", "gui_upload");

const en = (input: string) => translateBackendText(input, "en");
const zh = (input: string) => translateBackendText(input, "zh-CN");

describe("translateBackendText: the simulator's sentences", () => {
  it("turns 'preview … then click the Export button' into Timeline and Export hints", () => {
    expect(
      en("Your video is ready! Preview it in the timeline, then click the Export button to download it."),
    ).toEqual({ text: `Your video is ready! ${TIMELINE} ${EXPORT}`, actions: ["timeline", "export"] });
  });

  it("turns 'open the timeline panel' into the Timeline hint", () => {
    expect(en("I added background music and a title. Open the timeline panel to review.")).toEqual({
      text: `I added background music and a title. ${TIMELINE}`,
      actions: ["timeline"],
    });
    expect(en("Added upbeat background music at 35% volume. Open the timeline panel to adjust it.")).toEqual({
      text: `Added upbeat background music at 35% volume. ${TIMELINE}`,
      actions: ["timeline"],
    });
  });

  it("turns dragging into a request for words, with no button", () => {
    expect(en('Added the title "Hello". Drag it on the timeline to move it.')).toEqual({
      text: `Added the title "Hello". ${DRAG}`,
      actions: [],
    });
  });

  it("handles 'Preview it in the timeline.' after a number with a decimal point", () => {
    expect(en("Trimmed the video to 2.5s. Preview it in the timeline.")).toEqual({
      text: `Trimmed the video to 2.5s. ${TIMELINE}`,
      actions: ["timeline"],
    });
  });

  it("leaves the simulator's plain answers alone", () => {
    for (const plain of [
      "Removed the title from the timeline.",
      "There is no video to trim yet. Ask me to generate one first.",
      'You said: "hi". I can generate a video, add a title or background music, or make it shorter. What would you like?',
    ]) {
      expect(en(plain)).toEqual({ text: plain, actions: [] });
    }
  });
});

describe("translateBackendText: English directions", () => {
  it.each([
    ["Click Export to download your video.", EXPORT, ["export"]],
    ["Click the Export button.", EXPORT, ["export"]],
    ['Press the "Export" button in the top right corner.', EXPORT, ["export"]],
    ["You can now use the Export button to save it.", EXPORT, ["export"]],
    ["The Export button is in the top right.", EXPORT, ["export"]],
    ["Open the Layers panel to see each clip.", TIMELINE, ["timeline"]],
    ["Go to the timeline to check the result.", TIMELINE, ["timeline"]],
    ["Review the changes in the editor.", TIMELINE, ["timeline"]],
    ["Check your account to see how many credits you have.", CREDITS, ["credits"]],
    ["Please check your billing page for details.", CREDITS, ["credits"]],
    ["Click Top up to add more credits.", CREDITS, ["credits"]],
    ["Drag and drop the clip to reorder it.", DRAG, []],
    ["Drag and drop your file here to upload it.", UPLOAD, []],
    ["Click the Upload button to add your footage.", UPLOAD, []],
    ["Click the magic wand icon to enhance colours.", OTHER, []],
    ["Tap Apply.", OTHER, []],
  ])("%j", (input, hint, actions) => {
    expect(en(input)).toEqual({ text: hint, actions });
  });

  it("keeps content before a direction in the same sentence", () => {
    expect(en("I trimmed the intro to 3 seconds, then click Export when you're happy.")).toEqual({
      text: `I trimmed the intro to 3 seconds. ${EXPORT}`,
      actions: ["export"],
    });
    expect(en("The title is now red and you can drag it anywhere.")).toEqual({
      text: `The title is now red. ${DRAG}`,
      actions: [],
    });
  });

  it("drops an introductory clause that only leads to the direction", () => {
    expect(en("To download it, click the Export button.")).toEqual({ text: EXPORT, actions: ["export"] });
    expect(en("If you want to move the title, drag it on the timeline.")).toEqual({
      text: DRAG,
      actions: [],
    });
  });

  it("dedupes hints and actions across sentences, keeping first-seen order", () => {
    const result = en(
      "Preview it in the timeline. Then click Export. Or open the timeline panel and click the Export button.",
    );
    expect(result).toEqual({ text: `${TIMELINE} ${EXPORT}`, actions: ["timeline", "export"] });
  });

  it("keeps markdown and line breaks of untouched sentences", () => {
    expect(en("**Done!** Your video has music.\n\nClick **Export** to save it.\n- Title: Hello")).toEqual({
      text: `**Done!** Your video has music.\n\n${EXPORT}\n- Title: Hello`,
      actions: ["export"],
    });
  });

  it.each([
    "I added the clicking sound of the keyboard at 2s.",
    "Clicking sounds now play under the intro.",
    "Tapping rain was added to the background.",
    "Dragging clouds drift across the sky in the new shot.",
    "The mouse click sound effect now plays at the start.",
    "Added a drag race scene with neon lights.",
    "The opening shot now pans across an open panel of solar cells.",
    "Your export settings were saved in the project: 1080p, 30 fps.",
    "Here's a preview: a cat jumps over the fence at sunset.",
    "I exported nothing yet; the draft has 3 tracks.",
    "Select one of these styles: cinematic, anime, or watercolor.",
    "Download speeds in the infographic are now animated.",
    "The credits roll at the end lists the whole team.",
    "Check out the new intro — the colours pop much more now.",
    "Your video is ready: https://cdn.example.com/v/final.mp4. Click it to download.",
    "Click the link above to download the video.",
    "",
  ])("leaves %j unchanged", (input) => {
    expect(en(input)).toEqual({ text: input, actions: [] });
  });
});

describe("translateBackendText: Chinese directions", () => {
  const zhExport = text("zh-CN", "gui_export");
  const zhTimeline = text("zh-CN", "gui_timeline");
  const zhDrag = text("zh-CN", "gui_drag");
  const zhCredits = text("zh-CN", "gui_credits");
  const zhOther = text("zh-CN", "gui_other");

  it.each([
    [
      "您的视频已准备好！请在时间线中预览，然后点击导出按钮下载。",
      `您的视频已准备好！${zhTimeline}${zhExport}`,
      ["timeline", "export"],
    ],
    ["我添加了背景音乐和标题。打开时间线面板查看。", `我添加了背景音乐和标题。${zhTimeline}`, ["timeline"]],
    ["已添加标题“你好”。在时间线上拖动它来调整位置。", `已添加标题“你好”。${zhDrag}`, []],
    ["点击导出即可下载视频。", zhExport, ["export"]],
    ["视频已生成，点击右上角的“导出”按钮下载。", `视频已生成。${zhExport}`, ["export"]],
    ["拖拽片段可以调整顺序。", zhDrag, []],
    ["请查看您的账户余额。", zhCredits, ["credits"]],
    ["点击魔法棒图标增强色彩。", zhOther, []],
    ["导出按钮在右上角。", zhExport, ["export"]],
  ])("%j", (input, expected, actions) => {
    expect(zh(input)).toEqual({ text: expected, actions });
  });

  it.each([
    "我在开头添加了键盘点击声。",
    "视频的时间线很清晰：先是日出，然后是城市。",
    "按照导出设置，画面为 1080p。",
    "已把背景音乐的音量调到 35%。",
  ])("leaves %j unchanged", (input) => {
    expect(zh(input)).toEqual({ text: input, actions: [] });
  });

  it("writes hints in the conversation's language, whatever the backend's", () => {
    expect(en("点击导出按钮下载。")).toEqual({ text: EXPORT, actions: ["export"] });
    expect(zh("Your video is ready! Click Export to download it.")).toEqual({
      text: `Your video is ready! ${zhExport}`,
      actions: ["export"],
    });
  });
});

describe("translateBackendText: trailing temporary issue", () => {
  it("drops it after a normal answer", () => {
    expect(en("I added a title. I encountered a temporary issue. Please try again later.")).toEqual({
      text: "I added a title.",
      actions: [],
    });
    expect(zh("已添加标题。我遇到了一个临时问题，请稍后再试。")).toEqual({
      text: "已添加标题。",
      actions: [],
    });
  });

  it("keeps it when it is all the backend said", () => {
    const alone = "I encountered a temporary issue. Please try again.";
    expect(en(alone)).toEqual({ text: alone, actions: [] });
  });

  it("translates the rest of the text too", () => {
    expect(en("Open the timeline panel to review. I encountered a temporary issue.")).toEqual({
      text: TIMELINE,
      actions: ["timeline"],
    });
  });
});
