import type { Lang } from "../../../core/conversation/language.js";

/** The Slack adapter's own texts (the core's texts cover everything said inside a conversation). */
const EN = {
  usage:
    "Start a conversation with `/nemo <describe your video>` or by mentioning me in a channel, then keep talking in its thread.",
  thread_only:
    '`/nemo {command}` works inside a conversation thread: reply "{command}" in the thread of your video, or tap its buttons. Start one with `/nemo <describe your video>`.',
  not_allowed: "I'm not enabled in this channel. Ask an admin which channels I work in.",
  cannot_post:
    "I can't post in this channel. Invite me to it (`/invite` and my name), or talk to me in a direct message.",
  bad_button: 'That button doesn\'t work (any more). Reply in the thread instead, or say "help".',
  prompts_title: "Try one of these:",
  prompt_product_title: "A product video",
  prompt_product: "Make a 15-second product video for a new coffee mug, upbeat music",
  prompt_travel_title: "A travel montage",
  prompt_travel: "Create a 30-second travel montage of Tokyo at night with a title",
  prompt_explainer_title: "An explainer",
  prompt_explainer: "Make a short explainer video about how solar panels work, with a voice-over",
} as const;

type SlackTextKey = keyof typeof EN;

const ZH_CN: Record<SlackTextKey, string> = {
  usage: "用 `/nemo <描述你的视频>` 或在频道中 @我 开始对话，然后在它的话题里继续。",
  thread_only:
    "`/nemo {command}` 需要在对话话题中使用：在你的视频话题里回复“{command}”，或点击按钮。用 `/nemo <描述你的视频>` 开始一个对话。",
  not_allowed: "本频道未启用我。请询问管理员我可以在哪些频道使用。",
  cannot_post: "我无法在这个频道发消息。请把我邀请进来（`/invite` 加我的名字），或私信我。",
  bad_button: "这个按钮（已）无法使用。请直接在话题里回复，或说“帮助”。",
  prompts_title: "试试这些：",
  prompt_product_title: "产品视频",
  prompt_product: "为一款新咖啡杯制作 15 秒的产品视频，配上欢快的音乐",
  prompt_travel_title: "旅行集锦",
  prompt_travel: "制作一段 30 秒的东京夜景旅行集锦，带标题",
  prompt_explainer_title: "科普短片",
  prompt_explainer: "制作一段讲解太阳能板工作原理的短视频，带配音",
};

const TEXTS: Readonly<Record<Lang, Readonly<Record<SlackTextKey, string>>>> = { en: EN, "zh-CN": ZH_CN };

/** A Slack-only text in `lang`, plain (escape it before sending it as mrkdwn). */
export function slackText(lang: Lang, key: SlackTextKey, params: Record<string, string> = {}): string {
  return TEXTS[lang][key].replace(/\{(\w+)\}/g, (placeholder, name: string) => params[name] ?? placeholder);
}
