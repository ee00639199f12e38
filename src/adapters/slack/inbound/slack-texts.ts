import type { Lang } from "../../../core/conversation/language.js";
import { type TextKey, text } from "../../../core/conversation/texts.js";

type SlackTextKey = KeyAfter<TextKey, "slack_">;
type KeyAfter<Key, Prefix extends string> = Key extends `${Prefix}${infer Rest}` ? Rest : never;

/** The Slack adapter's own text `key` (core `slack_<key>`) in `lang`, plain (escape it before sending it as mrkdwn). */
export function slackText(lang: Lang, key: SlackTextKey, params: Record<string, string> = {}): string {
  return text(lang, `slack_${key}`, params);
}
