import {
  ApplicationIntegrationType,
  type GuildMember,
  type Interaction,
  InteractionContextType,
  type Message,
  PermissionFlagsBits,
} from "discord.js";

/**
 * Whether a member administers the place for the bot: Manage Server, or one of the configured admin
 * roles (`DISCORD_ADMIN_ROLES`), in a guild the bot itself is installed in. Read from what Discord sent
 * with the event (no extra request); in a DM, or with a user-installed command in a guild the bot is not
 * in (whatever the member's permissions there), nobody is.
 */
export function interactionAdmin(interaction: Interaction, adminRoles: readonly string[]): boolean {
  if (!interaction.inGuild() || !botInstalledIn(interaction)) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member.roles;
  const ids = Array.isArray(roles) ? roles : [...(roles as GuildMember["roles"]).cache.keys()];
  return ids.some((id) => adminRoles.includes(id));
}

/**
 * Whether the bot itself is in the guild an interaction comes from: the guild installed the app (it is
 * the authorizing guild-install owner) or the client holds the guild (it received it on the gateway).
 * A command a member installed for themself, run in their own server, is neither.
 */
export function botInstalledIn(interaction: Interaction): boolean {
  if (!interaction.guildId) return false;
  if (interaction.context != null && interaction.context !== InteractionContextType.Guild) return false;
  const owners = interaction.authorizingIntegrationOwners ?? {};
  if (owners[ApplicationIntegrationType.GuildInstall] === interaction.guildId) return true;
  return interaction.client.guilds.cache.has(interaction.guildId);
}

/** The same for the author of a guild message (the bot receives messages only of guilds it is in). */
export function messageAdmin(message: Message, adminRoles: readonly string[]): boolean {
  const member = message.member;
  if (!member) return false;
  if (member.roles.cache.some((role) => adminRoles.includes(role.id))) return true;
  try {
    return member.permissions.has(PermissionFlagsBits.ManageGuild);
  } catch {
    // The guild's roles are not cached: unknown, so not an admin here.
    return false;
  }
}
