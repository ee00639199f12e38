import { PermissionFlagsBits } from "discord.js";

/** The permissions the bot needs in a channel, as a bitfield. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory;

/**
 * The OAuth2 URL that installs the app: to a server (`guild`, default: the bot with slash commands and
 * {@link BOT_PERMISSIONS}, `integration_type=0`) or to a user's account (`user`: the commands follow the
 * member into any server and DM, `integration_type=1`).
 */
export function discordInviteUrl(applicationId: string, install: "guild" | "user" = "guild"): string {
  const query = new URLSearchParams(
    install === "guild"
      ? {
          client_id: applicationId,
          scope: "bot applications.commands",
          permissions: BOT_PERMISSIONS.toString(),
          integration_type: "0",
        }
      : { client_id: applicationId, scope: "applications.commands", integration_type: "1" },
  );
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}
