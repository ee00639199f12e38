import { describe, expect, it } from "vitest";
import type { Attachment, Inbound } from "../src/core/conversation/inbound.js";
import type { ActionKind } from "../src/core/conversation/reply.js";
import { type Intent, routeInbound } from "../src/core/conversation/router.js";
import { TEXTS } from "../src/core/conversation/texts.js";

function inbound(text: string, extra: Partial<Inbound> = {}): Inbound {
  return {
    id: "evt-1",
    ref: { platform: "console", workspace: "local", channel: "main", thread: "t1" },
    user: { id: "u1" },
    text,
    attachments: [],
    ...extra,
  };
}

const route = (text: string): Intent["kind"] => routeInbound(inbound(text)).kind;

const FILE: Attachment = { name: "clip.mp4", size: 1000, url: "https://cdn.example/clip.mp4", auth: "none" };

describe("routeInbound: explicit actions", () => {
  const cases: Array<[ActionKind, Intent]> = [
    ["export", { kind: "export" }],
    ["timeline", { kind: "status" }],
    ["credits", { kind: "credits" }],
    ["new", { kind: "new" }],
    ["help", { kind: "help" }],
    ["cancel", { kind: "cancel", arg: "msg-9" }],
    ["retry", { kind: "retry", arg: "msg-9" }],
  ];
  it.each(cases)("action %s → %o", (kind, expected) => {
    expect(routeInbound(inbound("make it blue", { action: { kind, arg: "msg-9" } }))).toEqual(expected);
  });

  it("omits a missing arg rather than setting it to undefined", () => {
    const intent = routeInbound(inbound("", { action: { kind: "cancel" } }));
    expect(intent).toEqual({ kind: "cancel" });
    expect("arg" in intent).toBe(false);
  });

  it("lets an action win over attachments and text", () => {
    expect(routeInbound(inbound("upload", { attachments: [FILE], action: { kind: "credits" } }))).toEqual({
      kind: "credits",
    });
  });
});

describe("routeInbound: attachments", () => {
  it("routes any message with a file to upload, whatever the text", () => {
    expect(routeInbound(inbound("", { attachments: [FILE] }))).toEqual({ kind: "upload" });
    expect(routeInbound(inbound("export", { attachments: [FILE] }))).toEqual({ kind: "upload" });
    expect(routeInbound(inbound("use this as the intro", { attachments: [FILE] }))).toEqual({
      kind: "upload",
    });
  });
});

describe("routeInbound: slash commands passed as text", () => {
  it.each([
    ["/export", "export"],
    ["/download", "export"],
    ["/credits", "credits"],
    ["/balance", "credits"],
    ["/status", "status"],
    ["/timeline", "status"],
    ["/upload", "upload"],
    ["/new", "new"],
    ["/NEW", "new"],
    ["/help", "help"],
    ["/cancel", "cancel"],
    ["/retry", "retry"],
    ["/export 1080p in the intro scene with more red", "export"],
  ])("%s → %s", (text, kind) => {
    expect(route(text)).toBe(kind);
  });

  it("keeps the argument of /cancel and /retry, case intact", () => {
    expect(routeInbound(inbound("/cancel Msg-42"))).toEqual({ kind: "cancel", arg: "Msg-42" });
    expect(routeInbound(inbound("/retry  abc "))).toEqual({ kind: "retry", arg: "abc" });
    expect(routeInbound(inbound("/cancel"))).toEqual({ kind: "cancel" });
  });

  it("sends unknown slash words to the backend", () => {
    expect(route("/zoom in on the cat")).toBe("turn");
    expect(route("/")).toBe("turn");
  });
});

describe("routeInbound: English phrases", () => {
  it.each([
    "export",
    "Export",
    "EXPORT!",
    "export please",
    "export 1080p MP4",
    "export the video",
    "export it now",
    "please export the final video",
    "can you export it?",
    "download",
    "download the video",
    "download it",
    "send me the video",
    "send me the link",
    "Please send me the video file.",
    "render it",
    "ok export it in 4k",
    "I want to download my video",
    "export again",
  ])("%j → export", (text) => {
    expect(route(text)).toBe("export");
  });

  it.each([
    "credits",
    "Credits?",
    "balance",
    "my credits",
    "check credits",
    "show my balance",
    "how many credits do I have left?",
    "what's my credit balance",
  ])("%j → credits", (text) => {
    expect(route(text)).toBe("credits");
  });

  it.each([
    "status",
    "timeline",
    "show tracks",
    "show the timeline",
    "show me the timeline",
    "what's on the timeline?",
    "project status",
    "what is the status of my video",
    "preview",
  ])("%j → status", (text) => {
    expect(route(text)).toBe("status");
  });

  it.each(["upload", "upload a video", "I want to upload my own footage", "how do I upload a file?"])(
    "%j → upload (the caller asks for the file)",
    (text) => {
      expect(route(text)).toBe("upload");
    },
  );

  it.each(["new project", "New project please", "new", "start a new project", "start over", "restart"])(
    "%j → new",
    (text) => {
      expect(route(text)).toBe("new");
    },
  );

  it.each(["help", "Help!", "help me", "what can you do?", "how does this work", "commands"])(
    "%j → help",
    (text) => {
      expect(route(text)).toBe("help");
    },
  );

  it.each(["cancel", "Cancel that", "cancel my last message", "cancel the queued request"])(
    "%j → cancel",
    (text) => {
      expect(route(text)).toBe("cancel");
    },
  );

  it("treats bare retry as retry but not 'try again'", () => {
    expect(route("retry")).toBe("retry");
    expect(route("try again")).toBe("turn");
    expect(route("try again with a sunset")).toBe("turn");
  });
});

describe("routeInbound: settings phrases", () => {
  it.each([
    "settings",
    "my settings",
    "show my settings please",
    "preferences",
    "设置",
    "我的设置",
    "查看设置",
  ])("%s → settings", (text) => expect(route(text)).toBe("settings"));
  it.each(["change the settings of the title to red", "set the sunset in Tokyo", "帮我修改一下标题"])(
    "%s → turn",
    (text) => expect(route(text)).toBe("turn"),
  );
});

describe("routeInbound: creative instructions stay with the backend", () => {
  it.each([
    "export the intro scene with more red",
    "download some music from a lo-fi playlist and add it",
    "download music",
    "don't export yet",
    "before you export, make the title bigger",
    "make a video about exporting coffee from Brazil",
    "send me three more ideas for the video",
    "give me a video",
    "add a credits roll at the end",
    "show the credits at the end of the video",
    "add a status bar overlay",
    "remove the second track",
    "add a new title that says Hello",
    "new video about dogs on the beach",
    "help me make a video about cats",
    "cancel the title animation",
    "upload speed graph animation with neon colors",
    "preview the intro with slower music",
    "what do you think about a darker mood",
    "how many credits does a 30 second video cost",
    "make it blue",
    "please export the final video file as mp4 in 1080p hd with stereo",
    "👍",
    "...",
  ])("%j → turn", (text) => {
    expect(route(text)).toBe("turn");
  });

  it("does not count fillers towards the length limit but does count content words", () => {
    expect(route("could you please just export the video for me now")).toBe("export");
    expect(route("export final full hd 1080p mp4 video")).toBe("turn");
    expect(route("export final full hd 1080p mp4")).toBe("export");
  });
});

describe("routeInbound: Chinese", () => {
  it.each([
    ["导出", "export"],
    ["导出视频", "export"],
    ["帮我导出一下视频", "export"],
    ["请导出", "export"],
    ["下载", "export"],
    ["下载视频", "export"],
    ["把视频发给我", "export"],
    ["导出 1080p mp4", "export"],
    ["导出！", "export"],
    ["积分", "credits"],
    ["余额", "credits"],
    ["查看积分", "credits"],
    ["我还有多少积分？", "credits"],
    ["状态", "status"],
    ["时间线", "status"],
    ["查看时间线", "status"],
    ["显示轨道", "status"],
    ["上传", "upload"],
    ["我要上传视频", "upload"],
    ["新项目", "new"],
    ["新建一个项目", "new"],
    ["重新开始", "new"],
    ["帮助", "help"],
    ["你能做什么", "help"],
    ["取消", "cancel"],
    ["取消那条消息", "cancel"],
    ["重试", "retry"],
  ])("%j → %s", (text, kind) => {
    expect(route(text)).toBe(kind);
  });

  it.each([
    "导出前先把标题改成红色",
    "不要导出",
    "把开头的积分画面删掉",
    "给视频加上时间线动画",
    "下载一首轻音乐加进去",
    "做一个关于猫的视频",
    "上传速度的图表动画",
    "帮我做一个旅行视频",
    "取消标题动画",
  ])("%j → turn", (text) => {
    expect(route(text)).toBe("turn");
  });
});

describe("routeInbound: mentions and empty text", () => {
  it("tolerates a leading mention the adapter left in", () => {
    expect(route("<@123456789> export")).toBe("export");
    expect(route("<@!123456789>, credits")).toBe("credits");
    expect(route("<@U024BE7LH|nemo> status")).toBe("status");
    expect(route("@nemo: export please")).toBe("export");
    expect(route("@nemo export the intro scene with more red")).toBe("turn");
    expect(route("  \n export \n")).toBe("export");
  });

  it("answers a bare mention with help", () => {
    expect(route("")).toBe("help");
    expect(route("   ")).toBe("help");
    expect(route("<@123456789>")).toBe("help");
  });

  it("normalises full-width forms", () => {
    expect(route("ＥＸＰＯＲＴ")).toBe("export");
  });
});

describe("routeInbound: the commands the help text teaches", () => {
  it.each([
    ["en", /"([^"]+)"/g],
    ["zh-CN", /“([^”]+)”/g],
  ] as const)("every quoted command in the %s help is routed to the bot", (lang, quoted) => {
    const commands = [...TEXTS[lang].help.matchAll(quoted)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const command of commands) expect(route(command), command).not.toBe("turn");
  });
});
