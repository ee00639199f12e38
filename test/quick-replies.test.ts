import { describe, expect, it } from "vitest";
import { buttonKind } from "../src/core/conversation/button-kinds.js";
import type { Inbound } from "../src/core/conversation/inbound.js";
import { parseQuickArg, quickChoices, quickRecordId } from "../src/core/conversation/quick-replies.js";
import { routeInbound } from "../src/core/conversation/router.js";

const labels = (answer: string, lang: "en" | "zh-CN" = "en") =>
  quickChoices(answer, lang).map((choice) => choice.label);

describe("quick replies: the choices an answer ends with", () => {
  it.each([
    [
      "Which style would you like?\n1. Cinematic\n2. Anime\n3. Documentary",
      ["Cinematic", "Anime", "Documentary"],
    ],
    [
      "Which style would you like? 1. Cinematic 2. Anime 3. Documentary",
      ["Cinematic", "Anime", "Documentary"],
    ],
    ["Pick a style: 1) Cinematic 2) Anime 3) Documentary", ["Cinematic", "Anime", "Documentary"]],
    [
      "I can take this in a few directions.\n\n1. **Cinematic** — slow pans, warm light\n2. *Anime* — bold colours\n3. `Documentary`\n\nWhich one should I use?",
      ["Cinematic — slow pans, warm light", "Anime — bold colours", "Documentary"],
    ],
    [
      "Choose the aspect ratio:\n- 16:9 landscape\n- 9:16 portrait\n- 1:1 square",
      ["16:9 landscape", "9:16 portrait", "1:1 square"],
    ],
    ["What music fits best?\n• Lo-fi\n• Upbeat pop\n• Orchestral", ["Lo-fi", "Upbeat pop", "Orchestral"]],
    ["Options:\n* Keep the title\n* Remove the title", ["Keep the title", "Remove the title"]],
    ["**Which style do you prefer?**\n1. **Cinematic**\n2. __Anime__", ["Cinematic", "Anime"]],
    ["### Pick a length:\n- 15 seconds\n- 30 seconds", ["15 seconds", "30 seconds"]],
    [
      "Here is what I can do next:\n1. Add music\n2. Add a title\n3. Export?",
      ["Add music", "Add a title", "Export"],
    ],
    ["Your draft is ready! Shall I add background music? (yes/no)", ["Yes", "No"]],
    ["Done. Do you want me to export it now?", ["Yes", "No"]],
    ["Would you like a voice-over?", ["Yes", "No"]],
    ["Done! **Shall I add background music?**", ["Yes", "No"]],
    ["Would you prefer landscape or portrait?", ["Landscape", "Portrait"]],
    ["Should I make it a little brighter or darker?", ["Brighter", "Darker"]],
    ["Which format should I use: landscape, portrait or square?", ["Landscape", "Portrait", "Square"]],
  ])("English: %j", (answer, expected) => {
    expect(labels(answer)).toEqual(expected);
  });

  it.each([
    ["你想要哪种风格？1. 电影感 2. 动漫 3. 纪录片", ["电影感", "动漫", "纪录片"]],
    ["你想要哪种风格？\n1、电影感\n2、动漫\n3、纪录片", ["电影感", "动漫", "纪录片"]],
    ["请选择画面比例：\n① 横屏\n② 竖屏\n③ 方形", ["横屏", "竖屏", "方形"]],
    ["选择一个配乐：\n- 轻音乐\n- 流行\n- 古典", ["轻音乐", "流行", "古典"]],
    ["视频已生成！要加背景音乐吗？", ["是", "否"]],
    ["需要我现在导出吗？（是/否）", ["是", "否"]],
    ["是否添加字幕？", ["是", "否"]],
    ["你想要横屏还是竖屏？", ["横屏", "竖屏"]],
  ])("Chinese: %j", (answer, expected) => {
    expect(labels(answer, "zh-CN")).toEqual(expected);
  });

  it("sends the whole choice while the label is only shown", () => {
    const long = `Which opening?\n1. ${"A slow aerial shot over the harbour at dawn, ".repeat(2)}then cut to the market\n2. A close-up`;
    const [first] = quickChoices(long, "en");
    expect(first?.text).toBe(first?.label);
    expect(first!.text.length).toBeGreaterThan(80);
  });

  it("six to twenty-five choices are still choices (a select menu), more are none", () => {
    const list = (n: number) =>
      `Which clip should open the video?\n${Array.from({ length: n }, (_, i) => `${i + 1}. Clip ${i + 1}`).join("\n")}`;
    expect(labels(list(8))).toHaveLength(8);
    expect(labels(list(25))).toHaveLength(25);
    expect(labels(list(26))).toEqual([]);
  });

  it.each([
    [
      "a plain statement",
      "Your video is ready! Preview it in the timeline, then click the Export button to download it.",
    ],
    [
      "a list of changes made",
      'Here are the changes I made:\n- Added the title "Hello"\n- Added upbeat music\n- Trimmed to 8s',
    ],
    ["a timeline summary", "Timeline:\n• Video: 10s\n• Music: Lo-fi at 35%\n• Title: City Dreams"],
    [
      "a list in the middle, then more prose",
      "Which style would you like?\n1. Cinematic\n2. Anime\n\nI went with cinematic for now and rendered a draft. You can change it any time from the timeline panel.",
    ],
    [
      "an open question",
      'You said: "hi". I can generate a video, add a title or background music, or make it shorter. What would you like?',
    ],
    ["a question in the middle", "Shall I add music? I added it anyway. Open the timeline to review."],
    ["numbers that are not a list", "The video is 2. 5 seconds shorter now and 1. Clip remains."],
    ["a decimal", "I trimmed it to 2.5 seconds. 1.5 seconds of silence were removed."],
    ["a Chinese statement", "我添加了背景音乐和标题。打开时间线面板查看。"],
    ["a Chinese change list", "已完成以下修改：\n1. 添加标题\n2. 添加音乐"],
    ["an unclear either/or", "Do you want it longer, or should I keep it as it is?"],
    ["an either/or without a choosing cue", "Is that a cat or a dog?"],
    ["an empty answer", ""],
  ])("none for %s", (_name, answer) => {
    expect(labels(answer)).toEqual([]);
  });
});

describe("quick replies: ids and the route of a click", () => {
  it("a click names the record and the index; anything else is no quick reply", () => {
    const id = quickRecordId("1234567890");
    expect(parseQuickArg(`${id}:2`)).toEqual({ recordId: id, index: 2 });
    for (const bad of [undefined, "", id, `${id}:`, `${id}:x`, `${id}:123`, "q123:1", `${id}:1:2`]) {
      expect(parseQuickArg(bad)).toBeUndefined();
    }
  });

  it("a click is routed as the quick_reply command with its argument, never as text for the backend", () => {
    const inbound: Inbound = {
      id: "i1",
      ref: { platform: "console", workspace: "local", channel: "console", thread: "main" },
      user: { id: "u1" },
      text: "",
      attachments: [],
      action: { kind: "quick_reply", arg: "qAAAAAAAAAAAAAAAA:1" },
    };
    expect(routeInbound(inbound)).toEqual({ kind: "quick_reply", arg: "qAAAAAAAAAAAAAAAA:1" });
    expect(buttonKind("quick_reply")).toBe("quick_reply");
  });
});
