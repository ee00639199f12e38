import { createDiscordAdapter, createDiscordMessenger } from "../adapters/discord/index.js";
import { createSlackAdapter, createSlackMessenger, SLACK_EVENTS_PATH } from "../adapters/slack/index.js";
import type { Config } from "../config.js";
import type { ChatAdapter } from "../core/conversation/chat-adapter.js";
import type { InboundHandler } from "../core/conversation/inbound.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Logger } from "../core/logger.js";
import type { HttpServer } from "./http-server.js";

export type ChatPlatform = "discord" | "slack";

/** Platforms whose credentials are present (a platform without them is simply not started). */
export function configuredPlatforms(config: Config): ChatPlatform[] {
  const platforms: ChatPlatform[] = [];
  if (config.DISCORD_TOKEN) platforms.push("discord");
  if (config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN))
    platforms.push("slack");
  return platforms;
}

/** The outbound side of every configured platform (REST only: workers deliver too). */
export function platformMessengers(config: Config, logger: Logger): Messengers {
  const messengers: Messengers = {};
  if (config.DISCORD_TOKEN) {
    messengers.discord = createDiscordMessenger({
      token: config.DISCORD_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      maxRateLimitWaitMs: config.RATE_LIMIT_MAX_WAIT_MS,
      logger: logger.child({ platform: "discord" }),
    });
  }
  if (config.SLACK_BOT_TOKEN) {
    messengers.slack = createSlackMessenger({
      botToken: config.SLACK_BOT_TOKEN,
      apiUrl: config.SLACK_API_URL,
      maxRateLimitWaitMs: config.RATE_LIMIT_MAX_WAIT_MS,
      logger: logger.child({ platform: "slack" }),
    });
  }
  return messengers;
}

/** The inbound side of every configured platform; Slack's HTTP mode is mounted on the app's server. */
export function platformAdapters(
  config: Config,
  handler: InboundHandler,
  logger: Logger,
  http: HttpServer | undefined,
): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  for (const platform of configuredPlatforms(config)) {
    const log = logger.child({ platform });
    if (platform === "discord") {
      adapters.push(
        createDiscordAdapter({
          token: config.DISCORD_TOKEN!,
          apiUrl: config.DISCORD_API_URL,
          guildId: config.DISCORD_GUILD_ID,
          allowedGuilds: config.DISCORD_ALLOWED_GUILDS,
          allowedChannels: config.DISCORD_ALLOWED_CHANNELS,
          messageContent: config.DISCORD_MESSAGE_CONTENT,
          handler,
          logger: log,
        }),
      );
    } else {
      const setup = createSlackAdapter({
        botToken: config.SLACK_BOT_TOKEN!,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        // With an allowlist, DMs are allowed only when it lists "dm" (as for Discord).
        allowedChannels: config.SLACK_ALLOWED_CHANNELS.filter((channel) => channel !== "dm"),
        allowDirectMessages:
          config.SLACK_ALLOWED_CHANNELS.length === 0 || config.SLACK_ALLOWED_CHANNELS.includes("dm"),
        handler,
        logger: log,
      });
      if (setup.requestListener) {
        if (!http) throw new Error("Slack HTTP mode needs the gateway's HTTP server");
        http.mount(SLACK_EVENTS_PATH, setup.requestListener);
      }
      log.info({ transport: setup.transport }, "slack-transport");
      adapters.push(setup.adapter);
    }
  }
  return adapters;
}
