export { createDiscordAdapter, type DiscordAdapterConfig } from "./discord-adapter.js";
export { createDiscordMessenger, type DiscordMessengerConfig } from "./discord-messenger.js";
export { DiscordRequestError } from "./discord-request-error.js";
export {
  BOT_PERMISSIONS,
  type DiscordDoctorOptions,
  discordDoctorCheck,
  discordInviteUrl,
} from "./doctor-check.js";
export { DM_ALLOWLIST_ENTRY } from "./place-policy.js";
export { type DiscordShards, discordShards } from "./sharding.js";
export { SLASH_COMMANDS } from "./slash-commands.js";
