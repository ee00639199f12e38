import {
  ChannelType,
  type ChatInputCommandInteraction,
  type SendableChannels,
  ThreadAutoArchiveDuration,
} from "discord.js";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import { langFromLocale } from "../../../core/conversation/language.js";
import { text as coreText } from "../../../core/conversation/texts.js";
import type { Logger } from "../../../core/logger.js";
import { discordStatus } from "../common/rest-failure.js";
import { escapeText } from "../outbound/render-discord.js";
import { MESSAGE_CONTENT_MAX } from "../outbound/split-message.js";
import type { CommandName } from "../setup/slash-commands.js";
import { threadRef } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { Place } from "./place-policy.js";
import { threadName } from "./thread-names.js";

/** Channels where a public thread can be started (on a mention, or by `/video`). */
export const THREAD_PARENTS: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
]);

/**
 * A command used in a channel (not a thread): `/video` starts a thread there and resolves to its
 * conversation; `/help` answers in place; the others need a thread and resolve to a hint saying so.
 */
export async function channelTarget(
  interaction: ChatInputCommandInteraction,
  name: CommandName,
  place: Place,
  log: Logger,
): Promise<ConversationRef | string> {
  const locale = interaction.locale;
  if (name === "help") {
    return `${coreText(langFromLocale(locale), "help")}\n\n${discordText(locale, "start_hint")}`;
  }
  // Continue anywhere: `/continue code:…` in a channel opens a thread for the project, like `/video`.
  const moving = name === "continue" && interaction.options.getString("code") !== null;
  if (name !== "video" && !moving) return discordText(locale, "use_in_thread", { command: name });
  const channel = interaction.channel ?? (await interaction.client.channels.fetch(place.channelId));
  if (!channel || !THREAD_PARENTS.has(channel.type) || !channel.isSendable() || !place.guildId) {
    return discordText(locale, "channel_unsupported");
  }
  const prompt = moving
    ? coreText(langFromLocale(locale), "move_opener")
    : interaction.options.getString("prompt", true);
  try {
    const parent = await (channel as SendableChannels).send({
      content: clip(`🎬 <@${interaction.user.id}>: ${escapeText(prompt)}`, MESSAGE_CONTENT_MAX),
      allowedMentions: { parse: [] },
    });
    const thread = await parent.startThread({
      name: threadName(prompt),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return threadRef(place.guildId, place.channelId, thread.id);
  } catch (error) {
    log.warn({ channel: place.channelId, status: discordStatus(error) }, "discord-thread-create-failed");
    return discordText(locale, "thread_failed");
  }
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
