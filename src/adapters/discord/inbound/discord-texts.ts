import { langFromLocale } from "../../../core/conversation/language.js";
import { type TextKey, text } from "../../../core/conversation/texts.js";

type DiscordTextKey = KeyAfter<TextKey, "discord_">;
type KeyAfter<Key, Prefix extends string> = Key extends `${Prefix}${infer Rest}` ? Rest : never;

/** The Discord adapter's own text `key` (core `discord_<key>`) in the language of a Discord locale (`en-US`, `zh-CN`). */
export function discordText(
  locale: string | undefined,
  key: DiscordTextKey,
  params: Record<string, string> = {},
): string {
  return text(langFromLocale(locale), `discord_${key}`, params);
}
