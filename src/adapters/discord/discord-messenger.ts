import { REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Messenger } from "../../core/conversation/messenger.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Logger } from "../../core/logger.js";
import { DiscordRequestError } from "./discord-request-error.js";
import { type DiscordMessageBody, renderDiscordReply } from "./render-discord.js";

/** Settings of the Discord messenger. */
export interface DiscordMessengerConfig {
  /** The bot token (`DISCORD_TOKEN`); sent only as the Authorization header, never logged. */
  token: string;
  /** REST base instead of `https://discord.com/api` (`DISCORD_API_URL`: proxies, tests). */
  apiUrl?: string | undefined;
  logger: Logger;
}

/**
 * Creates the outbound side of Discord on `@discordjs/rest` only — no gateway connection — so any
 * worker process can deliver. Honours Discord's rate limits (the library's per-route buckets and the
 * global limit; a 429 waits and retries). Every reply goes to the conversation's thread (`ref.thread`,
 * which is the DM channel for direct messages).
 *
 * A reply longer than one message is sent as several: `post` resolves to the id of the LAST one (it
 * has the buttons). `edit` replaces the edited message with the FIRST part (clearing its old buttons
 * and embeds) and posts the other parts as new messages below it; both reject when Discord refuses
 * (unknown or too old a message, missing access), so the core posts a new message instead.
 */
export function createDiscordMessenger(config: DiscordMessengerConfig): Messenger {
  const rest = new REST({ ...(config.apiUrl ? { api: config.apiUrl } : {}), retries: 2 }).setToken(
    config.token,
  );
  const log = config.logger.child({ part: "discord-messenger" });

  async function create(channel: string, body: DiscordMessageBody): Promise<string> {
    try {
      const message = (await rest.post(Routes.channelMessages(channel), { body })) as { id: string };
      return message.id;
    } catch (error) {
      log.debug({ channel, status: (error as { status?: unknown }).status }, "discord-post-failed");
      throw new DiscordRequestError("post message", error);
    }
  }

  return {
    async post(ref: ConversationRef, reply: Reply): Promise<string> {
      let id = "";
      for (const body of renderDiscordReply(reply)) id = await create(ref.thread, body);
      return id;
    },

    async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
      const [first, ...more] = renderDiscordReply(reply);
      try {
        await rest.patch(Routes.channelMessage(ref.thread, messageId), { body: first });
      } catch (error) {
        log.debug(
          { channel: ref.thread, message: messageId, status: (error as { status?: unknown }).status },
          "discord-edit-failed",
        );
        throw new DiscordRequestError("edit message", error);
      }
      for (const body of more) await create(ref.thread, body);
    },
  };
}
