import { type GuildMember, type Interaction, type Message, PermissionFlagsBits } from "discord.js";

/**
 * Whether a member is a bot admin: Manage Server, or one of the configured admin roles
 * (`DISCORD_ADMIN_ROLES`). Read from what Discord sent with the event (no extra request); outside a
 * guild (a DM) nobody is.
 */
export function interactionAdmin(interaction: Interaction, adminRoles: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member.roles;
  const ids = Array.isArray(roles) ? roles : [...(roles as GuildMember["roles"]).cache.keys()];
  return ids.some((id) => adminRoles.includes(id));
}

/** The same for the author of a guild message (permissions computed from the cached roles). */
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
