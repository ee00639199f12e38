import type { Config } from "./config.js";

export type ChatPlatform = "discord" | "slack";

/**
 * How one platform is configured: `ready` (started), `incomplete` (some of its variables are set but
 * not enough to start it — a mistake to report) or `off` (none set).
 */
export interface PlatformSetup {
  platform: ChatPlatform;
  state: "ready" | "incomplete" | "off";
  /** One line for people, the same in `start` and `doctor`: "Slack: SLACK_BOT_TOKEN is set but …". */
  explanation: string;
}

function discordSetup(config: Config): PlatformSetup {
  const platform = "discord";
  if (config.DISCORD_TOKEN) return { platform, state: "ready", explanation: "Discord: DISCORD_TOKEN is set" };
  const partial = (
    [
      ["DISCORD_GUILD_ID", config.DISCORD_GUILD_ID],
      ["DISCORD_ALLOWED_GUILDS", config.DISCORD_ALLOWED_GUILDS.length > 0],
      ["DISCORD_ALLOWED_CHANNELS", config.DISCORD_ALLOWED_CHANNELS.length > 0],
    ] as const
  ).filter(([, set]) => set);
  if (partial.length === 0) {
    return { platform, state: "off", explanation: "Discord: not configured (DISCORD_TOKEN is not set)" };
  }
  const names = partial.map(([name]) => name).join(", ");
  return {
    platform,
    state: "incomplete",
    explanation: `Discord: ${names} ${partial.length === 1 ? "is" : "are"} set but DISCORD_TOKEN is not — set DISCORD_TOKEN (Developer Portal → Bot → Token) to start Discord`,
  };
}

function slackSetup(config: Config): PlatformSetup {
  const platform = "slack";
  const { SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: secret, SLACK_APP_TOKEN: app } = config;
  // The schema makes sure the client id comes with its secrets, SECRETS_KEY and the signing secret.
  if (isSlackDistribution(config)) {
    return {
      platform,
      state: "ready",
      explanation:
        "Slack: installable in many workspaces — /slack/install, /slack/oauth_redirect and /slack/events (SLACK_CLIENT_ID + SLACK_SIGNING_SECRET)",
    };
  }
  if (bot && app) {
    return {
      platform,
      state: "ready",
      explanation: "Slack: Socket Mode (SLACK_BOT_TOKEN + SLACK_APP_TOKEN)",
    };
  }
  if (bot && secret) {
    return {
      platform,
      state: "ready",
      explanation: "Slack: HTTP mode at /slack/events (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET)",
    };
  }
  if (bot) {
    return {
      platform,
      state: "incomplete",
      explanation:
        "Slack: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) — set one of them to start Slack",
    };
  }
  if (secret || app) {
    return {
      platform,
      state: "incomplete",
      explanation: `Slack: ${app ? "SLACK_APP_TOKEN" : "SLACK_SIGNING_SECRET"} is set but SLACK_BOT_TOKEN is not — set SLACK_BOT_TOKEN (xoxb-…) to start Slack`,
    };
  }
  return { platform, state: "off", explanation: "Slack: not configured (SLACK_BOT_TOKEN is not set)" };
}

/** Whether Slack runs as a distributed app (OAuth installs in many workspaces) rather than one bot token. */
export function isSlackDistribution(config: Config): boolean {
  return !!(
    config.SLACK_CLIENT_ID &&
    config.SLACK_CLIENT_SECRET &&
    config.SLACK_STATE_SECRET &&
    config.SECRETS_KEY
  );
}

/**
 * Whether Slack is served over HTTP here (Events API at `/slack/events`, or a distributed app's OAuth
 * pages): the only thing the public `PORT` is bound for. Socket Mode and Discord need no public port.
 */
export function slackServesHttp(config: Config): boolean {
  if (isSlackDistribution(config)) return true;
  return !!(config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN);
}

/** Each platform's configuration, explained (`start` prints it, `doctor` reports it: one wording). */
export function platformSetup(config: Config): PlatformSetup[] {
  return [discordSetup(config), slackSetup(config)];
}

/** Platforms whose credentials are complete (a platform without them is not started). */
export function configuredPlatforms(config: Config): ChatPlatform[] {
  return platformSetup(config)
    .filter((setup) => setup.state === "ready")
    .map((setup) => setup.platform);
}
