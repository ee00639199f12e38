import type { Message } from "discord.js";
import { langFromLocale } from "../../../core/conversation/language.js";
import { text } from "../../../core/conversation/texts.js";
import type { Logger } from "../../../core/logger.js";
import { discordStatus } from "../common/rest-failure.js";

/**
 * Deletes a message that holds a pasted secret (a token, `/login <token>`) where the bot may: in a guild
 * channel with Manage Messages. In a DM a bot cannot delete the other person's messages. True when gone.
 */
export async function deletePastedSecret(message: Message, log: Logger): Promise<boolean> {
  if (message.guildId === null) return false;
  try {
    await message.delete();
    log.info("discord-pasted-secret-deleted");
    return true;
  } catch (error) {
    log.warn({ status: discordStatus(error) }, "discord-pasted-secret-not-deleted");
    return false;
  }
}

/**
 * A secret in a mention in a channel: no thread is opened on it (nor named after it), nothing is queued;
 * the channel is told to revoke the token, without the token and without pinging anyone.
 */
export async function warnPastedInChannel(
  message: Message,
  deleted: boolean,
  locale: string | undefined,
  log: Logger,
): Promise<void> {
  const lang = langFromLocale(locale);
  const content = [
    text(lang, "token_pasted", { command: "/login" }),
    text(lang, deleted ? "token_pasted_deleted" : "token_pasted_not_deleted"),
  ].join("\n");
  log.warn({ user: message.author.id, deleted }, "token-pasted-not-forwarded");
  if (!message.channel.isSendable()) return;
  await message.channel.send({ content, allowedMentions: { parse: [] } }).catch((error: unknown) => {
    log.warn({ status: discordStatus(error) }, "discord-reply-failed");
  });
}
