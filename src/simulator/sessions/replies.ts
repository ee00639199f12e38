import type { ReplyLanguage } from "./intents.js";
import { styleList } from "./questions.js";

/** What the simulated agent says, in English and Chinese (GUI directions included, as the real one). */
export const REPLIES = {
  en: {
    videoReady:
      "Your video is ready! Preview it in the timeline, then click the Export button to download it.",
    videoReadyIn: (ratio: string, width: number, height: number) =>
      `Your ${ratio} video (${width}×${height}) is ready! Preview it in the timeline, then click the Export button to download it.`,
    postProduction: "I added background music and a title. Open the timeline panel to review.",
    titleAdded: (title: string) => `Added the title "${title}". Drag it on the timeline to move it.`,
    musicAdded: "Added upbeat background music at 35% volume. Open the timeline panel to adjust it.",
    noTitle: "There is no title to remove.",
    titleRemoved: "Removed the title from the timeline.",
    nothingToTrim: "There is no video to trim yet. Ask me to generate one first.",
    trimmed: (seconds: number) => `Trimmed the video to ${seconds}s. Preview it in the timeline.`,
    alreadyShort: (seconds: number) => `The video is already ${seconds}s long.`,
    chat: (text: string) =>
      `You said: "${text}". I can generate a video, add a title or background music, or make it shorter. What would you like?`,
    // Quick replies: questions that end an answer
    askStyle: `Which style would you like?\n${styleList("en")}`,
    askMusic: "Your project is coming along. Shall I add background music? (yes/no)",
    noMusic: "OK, no background music.",
  },
  zh: {
    videoReady: "视频已生成！在时间线中预览，然后点击导出按钮下载。",
    videoReadyIn: (ratio: string, width: number, height: number) =>
      `${ratio} 视频（${width}×${height}）已生成！在时间线中预览，然后点击导出按钮下载。`,
    postProduction: "我添加了背景音乐和标题。打开时间线面板查看。",
    titleAdded: (title: string) => `已添加标题「${title}」。可以在时间线上拖拽调整位置。`,
    musicAdded: "已添加欢快的背景音乐，音量 35%。打开时间线面板可以调整。",
    noTitle: "当前没有可以删除的标题。",
    titleRemoved: "已从时间线删除标题。",
    nothingToTrim: "还没有可以缩短的视频，请先让我生成一个。",
    trimmed: (seconds: number) => `已将视频缩短到 ${seconds} 秒。在时间线中预览。`,
    alreadyShort: (seconds: number) => `视频已经只有 ${seconds} 秒了。`,
    chat: (text: string) =>
      `你说：“${text}”。我可以生成视频、添加标题或背景音乐，或者把视频缩短。你想做什么？`,
    // Quick replies: questions that end an answer
    askStyle: `你想要哪种风格？\n${styleList("zh")}`,
    askMusic: "项目进展顺利。要加背景音乐吗？（是/否）",
    noMusic: "好的，不加背景音乐。",
  },
} satisfies Record<ReplyLanguage, unknown>;
