import { GatewayIntentBits, Partials } from "discord.js";

/**
 * The least intents that work: guilds (channels and threads in cache), guild messages (mentions,
 * thread follow-ups), direct messages, and — when `messageContent` — the privileged Message Content
 * intent, without which Discord sends the text of a message only when it mentions the bot or is a DM.
 */
export function discordIntents(messageContent: boolean): GatewayIntentBits[] {
  return [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
    ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
  ];
}

/** DM channels are not cached before their first message; without this partial, DMs are dropped. */
export const DISCORD_PARTIALS: readonly Partials[] = [Partials.Channel];
