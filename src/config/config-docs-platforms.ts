import type { VariableDoc } from "./variable-doc.js";

/** What the variables of Discord and Slack mean. */
export const PLATFORM_DOCS: Readonly<Record<string, VariableDoc>> = {
  DISCORD_TOKEN: {
    section: "Discord",
    meaning: "Bot token of the Discord application. Unset: Discord is not started.",
    example: "MTE…",
    secret: true,
  },
  DISCORD_API_URL: {
    section: "Discord",
    meaning: "Discord REST base URL, for proxies and tests. Unset: Discord's own.",
    example: "https://discord-proxy.internal/api",
  },
  DISCORD_GUILD_ID: {
    section: "Discord",
    meaning:
      "Register the slash commands in this one server (instantly) instead of globally (which Discord may take up to an hour to show).",
    example: "112233445566778899",
  },
  DISCORD_ALLOWED_GUILDS: {
    section: "Discord",
    meaning:
      "Comma-separated server ids the bot works in; empty allows every server it is invited to. " +
      "With a list, direct messages only when it contains `dm`.",
    example: "112233445566778899,dm",
  },
  DISCORD_ALLOWED_CHANNELS: {
    section: "Discord",
    meaning:
      "Comma-separated channel ids the bot works in (threads count as their parent channel); empty allows every channel.",
    example: "223344556677889900",
  },
  DISCORD_MESSAGE_CONTENT: {
    section: "Discord",
    meaning:
      "Request the privileged Message Content intent, needed to follow replies in a thread without a mention. " +
      "Set `false` when the intent is not enabled for the application: mentions, DMs, slash commands and buttons still work.",
    example: "false",
  },
  DISCORD_SHARD_COUNT: {
    section: "Discord",
    meaning:
      "Total number of shards of the bot across all gateway processes (Discord requires sharding from 2,500 guilds). " +
      "Unset: one shard, or Discord's recommendation (`GET /gateway/bot`, printed by `doctor`) with `DISCORD_SHARDS=auto`. See README, Sharding.",
    example: "4",
  },
  DISCORD_SHARDS: {
    section: "Discord",
    meaning:
      "Shards this gateway process runs: `auto` (all, count from Discord) or ids like `0,1` (each below `DISCORD_SHARD_COUNT`); " +
      "run the other ids in other gateway processes. Unset: every shard of `DISCORD_SHARD_COUNT`.",
    example: "0,1",
  },
  SLACK_BOT_TOKEN: {
    section: "Slack",
    meaning:
      "Bot token (`xoxb-…`) of the Slack app. Slack starts when it is set together with " +
      "`SLACK_SIGNING_SECRET` (HTTP) or `SLACK_APP_TOKEN` (Socket Mode).",
    example: "xoxb-…",
    secret: true,
  },
  SLACK_SIGNING_SECRET: {
    section: "Slack",
    meaning:
      "Signing secret for HTTP mode: Slack posts events, `/nemo` and button clicks to `/slack/events` on `PORT`; " +
      "requests with a bad signature or a stale timestamp get 401.",
    secret: true,
  },
  SLACK_APP_TOKEN: {
    section: "Slack",
    meaning:
      "App-level token (`xapp-…`, scope `connections:write`) for Socket Mode: no public URL needed. Wins over HTTP mode when both are set.",
    example: "xapp-…",
    secret: true,
  },
  SLACK_API_URL: {
    section: "Slack",
    meaning: "Slack Web API base URL, for proxies and tests. Unset: Slack's own.",
    example: "https://slack-proxy.internal/api/",
  },
  SLACK_ALLOWED_CHANNELS: {
    section: "Slack",
    meaning:
      "Comma-separated channel ids the bot works in; empty allows every channel it is in. " +
      "With a list, direct messages only when it contains `dm`.",
    example: "C0123456789,dm",
  },
  SLACK_MAX_UPLOAD_MB: {
    section: "Slack",
    meaning:
      "Largest exported MP4 (MB) the bot uploads into the Slack thread, where it plays inline (streamed from the backend, " +
      "never held in memory). A larger video is posted as a link with its size.",
    example: "100",
  },
  SLACK_CLIENT_ID: {
    section: "Slack",
    meaning:
      "The app's Client ID (Basic Information → App Credentials). With `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` the bot is " +
      "installable in many workspaces: `/slack/install` and `/slack/oauth_redirect` on `PORT`, installations in Redis (needs " +
      "`SECRETS_KEY` and `SLACK_SIGNING_SECRET`; `SLACK_BOT_TOKEN` is then not used). See README, Installing in many workspaces.",
    example: "1234567890.1234567890",
  },
  SLACK_CLIENT_SECRET: {
    section: "Slack",
    meaning: "The app's Client Secret, for the OAuth code exchange and token rotation (`oauth.v2.access`).",
    example: "…",
    secret: true,
  },
  SLACK_STATE_SECRET: {
    section: "Slack",
    meaning:
      "A random string of at least 24 characters (`openssl rand -hex 32`; placeholders are refused); signs the OAuth `state` that ties `/slack/oauth_redirect` to the browser that opened `/slack/install`.",
    example: "…",
    secret: true,
  },
  SECRETS_KEY: {
    section: "Slack",
    meaning:
      "Key material (at least 32 characters, e.g. `openssl rand -base64 32`) for AES-256-GCM encryption of every secret kept in Redis " +
      "(Slack installations, users' own NemoVideo tokens linked with `/login`, the shared account's anonymous token, the private reply " +
      "addresses of commands). Unset: `/login` is off and says so. Every process of a " +
      "deployment needs the same value. Every sealed value names its key: to rotate, move the old value to `SECRETS_KEY_PREVIOUS`, " +
      "then run `secrets reseal` (docs/operations.md, Rotating secrets).",
    example: "…",
    secret: true,
  },
  SECRETS_KEY_PREVIOUS: {
    section: "Slack",
    meaning:
      "Comma-separated older `SECRETS_KEY` values, used only to open values sealed under them while a key is rotated (nothing is " +
      "sealed with them). Remove them once `secrets reseal` reports nothing left under an old key. Unset: only `SECRETS_KEY` opens values.",
    example: "…",
    secret: true,
  },
  OPERATOR_DISCORD_USERS: {
    section: "Discord",
    meaning:
      "Comma-separated Discord user ids of the bot's operators: the only ones who get the shared account's bind link, skip the member, global and shared-account limits and read usage across places (see README, \"Who may do what\"). Unset: nobody.",
    example: "112233445566778899",
  },
  OPERATOR_SLACK_USERS: {
    section: "Slack",
    meaning:
      "Comma-separated Slack user ids of the bot's operators (the same rights as `OPERATOR_DISCORD_USERS`, in every workspace). Unset: nobody.",
    example: "U0123456789",
  },
  DISCORD_ADMIN_ROLES: {
    section: "Discord",
    meaning:
      "Comma-separated role ids whose members administer their guild, like members with Manage Server: start anew, cancel or retry in any thread there, read that guild's `/usage`. Only in a guild the bot is installed in; never the shared account's bind link or the global limits (operators only).",
    example: "334455667788990011",
  },
  SLACK_ADMIN_USERS: {
    section: "Slack",
    meaning:
      "Comma-separated Slack user ids that administer the installed workspace they are a member of, besides its admins and owners (read from `users.info`); never a member of another organisation in a Slack Connect channel.",
    example: "U0123456789",
  },
};
