import type { FakeChannel, FakeUser, StoredMessage } from "./model.js";

/** Gateway and REST JSON shapes (API v10), as minimal as discord.js accepts. */

const NOW = () => new Date().toISOString();

/** Permissions the fake grants everyone (view, send, threads, embeds, files, history, …). */
export const ALL_TEXT_PERMISSIONS = "2251799813685247";

/** The guild's one role besides @everyone. */
export const FAKE_ROLE_ID = "600000000000000077";

export function userJson(user: FakeUser) {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName ?? null,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0,
  };
}

export function memberJson(user: FakeUser, withUser: boolean) {
  return {
    ...(withUser ? { user: userJson(user) } : {}),
    nick: null,
    avatar: null,
    roles: [],
    joined_at: NOW(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

export function channelJson(channel: FakeChannel) {
  if (channel.type === 1 || channel.type === 3) {
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: null,
      flags: 0,
      recipients: (channel.recipients ?? []).map(userJson),
    };
  }
  const base = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name ?? "channel",
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    nsfw: false,
  };
  if (channel.type === 11 || channel.type === 10 || channel.type === 12) {
    return {
      ...base,
      parent_id: channel.parentId,
      owner_id: channel.ownerId,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: NOW(),
        locked: false,
        create_timestamp: NOW(),
      },
    };
  }
  return { ...base, position: 0, permission_overwrites: [], parent_id: null, topic: null };
}

export function messageJson(message: StoredMessage) {
  const version = message.versions.at(-1)!;
  return {
    id: message.id,
    type: message.replyTo ? 19 : 0,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: userJson(message.author),
    ...(message.guildId && !message.author.bot ? { member: memberJson(message.author, false) } : {}),
    content: message.flags & (1 << 15) ? "" : version.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.versions.length > 1 ? NOW() : null,
    tts: false,
    mention_everyone: false,
    mentions: message.mentions.map(userJson),
    mention_roles: [],
    attachments: [
      ...message.attachments,
      ...message.uploads.map((file, i) => ({
        id: `${message.id}${i}`,
        filename: file.filename,
        size: file.size,
        url: `https://cdn.discordapp.invalid/${file.filename}`,
        proxy_url: `https://media.discordapp.invalid/${file.filename}`,
        content_type: "video/mp4",
      })),
    ],
    embeds: version.embeds,
    components: version.components,
    pinned: false,
    flags: message.flags,
    ...(message.replyTo
      ? { message_reference: { type: 0, message_id: message.replyTo, channel_id: message.channelId } }
      : {}),
  };
}

export function guildCreateJson(
  guild: { id: string; name: string; preferredLocale: string; ownerId: string },
  channels: FakeChannel[],
  threads: FakeChannel[],
  bot: FakeUser,
) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    preferred_locale: guild.preferredLocale,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: guild.id,
        name: "@everyone",
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: ALL_TEXT_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0,
      },
      {
        // A role without permissions of its own (tests name it in DISCORD_ADMIN_ROLES).
        id: FAKE_ROLE_ID,
        name: "video-admins",
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 1,
        permissions: "0",
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    joined_at: NOW(),
    large: false,
    unavailable: false,
    member_count: 3,
    voice_states: [],
    members: [memberJson(bot, true)],
    channels: channels.map(channelJson),
    threads: threads.map(channelJson),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
