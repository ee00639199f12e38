import { type Lang, langFromLocale } from "../../../core/conversation/language.js";

/**
 * The Discord adapter's own short texts (refusals, pointers), which the core does not have.
 * `{name}` marks a parameter.
 */
const EN = {
  place_refused: "I'm not enabled here. Ask a server admin which channels I work in.",
  thread_failed:
    "I couldn't start a thread here. Check that I may create public threads and send messages in threads in this channel.",
  continuing_in: "→ continuing in <#{thread}>",
  use_in_thread: "Use `/video` to start a video thread, then use `/{command}` in it.",
  start_hint: "Start a video thread with `/video`, or mention me in a channel.",
  channel_unsupported: "I can't work in this kind of channel. Use a text channel or a direct message.",
  button_invalid: "That button isn't valid (any more). Say what you'd like in the thread instead.",
  button_outside_thread: "This button only works in a video thread.",
  unknown_command: "I don't know that command. Try `/help`.",
  failed: "Something went wrong on my side. Please try again.",
  not_taken: "I couldn't take this message in (my queue is unreachable). Please send it again in a minute.",
  edit_title: "Edit the video",
  edit_label: "What should change?",
  edit_placeholder: "e.g. make the title bigger and add calm music",
  media_title: "Add media from a URL",
  media_label: "Link to a video, image or audio file",
  media_placeholder: "https://…",
  media_invalid: "That isn't a link I can use: it must start with https:// (or http://).",
  continuing_in_dm: "I can't post in this conversation, so I'll continue in our direct messages.",
} as const;

type DiscordTextKey = keyof typeof EN;

const ZH_CN: Record<DiscordTextKey, string> = {
  place_refused: "我在这里没有启用。请询问服务器管理员我可以在哪些频道使用。",
  thread_failed: "我无法在这里创建话题。请确认我在此频道有创建公开话题和在话题中发送消息的权限。",
  continuing_in: "→ 请在 <#{thread}> 中继续",
  use_in_thread: "请先用 `/video` 创建一个视频话题，然后在话题中使用 `/{command}`。",
  start_hint: "用 `/video` 创建一个视频话题，或在频道中 @ 我。",
  channel_unsupported: "我无法在这种频道中工作。请使用文字频道或私信。",
  button_invalid: "这个按钮无效（或已过期）。请直接在话题中告诉我你想做什么。",
  button_outside_thread: "这个按钮只能在视频话题中使用。",
  unknown_command: "我不认识这个命令。试试 `/help`。",
  failed: "我这边出了点问题。请再试一次。",
  not_taken: "我暂时无法接收这条消息（队列无法连接）。请过一分钟再发送一次。",
  edit_title: "修改视频",
  edit_label: "要修改什么？",
  edit_placeholder: "例如：把标题放大，加上舒缓的音乐",
  media_title: "从链接添加素材",
  media_label: "视频、图片或音频文件的链接",
  media_placeholder: "https://…",
  media_invalid: "这个链接无法使用：必须以 https://（或 http://）开头。",
  continuing_in_dm: "我无法在这个对话中发消息，我们在私信中继续。",
};

const TABLES: Record<Lang, Record<DiscordTextKey, string>> = { en: EN, "zh-CN": ZH_CN };

/** The adapter text `key` in the language of `locale` (a Discord locale such as `en-US`, `zh-CN`). */
export function discordText(
  locale: string | undefined,
  key: DiscordTextKey,
  params: Record<string, string> = {},
): string {
  return TABLES[langFromLocale(locale)][key].replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? params[name]! : placeholder,
  );
}
