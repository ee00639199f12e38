export { createDiscordAdapter, type DiscordAdapterConfig } from "./inbound/discord-adapter.js";
export { DM_ALLOWLIST_ENTRY } from "./inbound/place-policy.js";
export { createDiscordMessenger, type DiscordMessengerConfig } from "./outbound/discord-messenger.js";
export { DiscordRequestError } from "./outbound/discord-request-error.js";
export { type DiscordDoctorOptions, discordDoctorCheck } from "./setup/doctor-check.js";
export { BOT_PERMISSIONS, discordInviteUrl } from "./setup/invite-url.js";
export { type DiscordShards, discordShards } from "./setup/sharding.js";
export { SLASH_COMMANDS } from "./setup/slash-commands.js";
