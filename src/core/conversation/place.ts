import type { ConversationRef } from "./conversation-ref.js";

/**
 * The kinds of place a conversation (or a command) happens in, as the permission table names them:
 * - `discord-guild`: a guild the bot is installed in (its threads, a channel's `/usage`);
 * - `discord-user-install`: a user-installed command in a guild the bot is not in (the conversation
 *   moves to the member's DM; nobody administers it);
 * - `discord-dm`: a direct message with the bot;
 * - `slack-channel`: a channel of an installed Slack workspace (Slack Connect channels too);
 * - `slack-dm`: a direct message with the bot, or its assistant container;
 * - `console`: the local console chat (run by the operator on their own machine: its own user,
 *   {@link CONSOLE_USER}, is the operator; other names, as tests give, are members).
 */
export const PLACE_KINDS = [
  "discord-guild",
  "discord-user-install",
  "discord-dm",
  "slack-channel",
  "slack-dm",
  "console",
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** The user id of whoever types in the local console chat (unless the adapter is given a name). */
export const CONSOLE_USER = "local";

/** The workspace of a Discord direct message (see the Discord adapter's `dmRef`). */
const DISCORD_DM = "dm";

/** Whether the conversation is a direct message with the bot (Slack DM channel ids start with "D"). */
export function isDirectMessage(ref: ConversationRef): boolean {
  if (ref.platform === "discord") return ref.workspace === DISCORD_DM;
  if (ref.platform === "slack") return ref.channel.startsWith("D");
  return false;
}

/**
 * The place kind of a conversation, as far as its ref tells; a user-installed command in a foreign
 * guild says so itself (`Inbound.user.via`), since its conversation is the member's DM.
 */
export function placeKindOf(ref: ConversationRef): PlaceKind {
  if (ref.platform === "console") return "console";
  if (ref.platform === "discord") return isDirectMessage(ref) ? "discord-dm" : "discord-guild";
  return isDirectMessage(ref) ? "slack-dm" : "slack-channel";
}

/**
 * The place whose quotas and usage a conversation counts in (the "workspace" scope): the guild or
 * workspace, except that a direct message is a place of its own, per member (its DM channel is theirs
 * alone) — DM users never share a bucket, and one DM's `/usage` shows nobody else.
 */
export function placeOf(ref: ConversationRef): string {
  return isDirectMessage(ref) ? `${ref.workspace}~${ref.channel}` : ref.workspace;
}
