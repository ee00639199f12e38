import type { Config } from "../config/config.js";
import { mediaUrlPolicy } from "../config/media-hosts.js";
import { configuredPlatforms, isSlackDistribution } from "../config/platform-setup.js";
import type { ChatAdapter } from "../core/conversation/chat-adapter.js";
import type { IntakePort } from "../core/conversation/inbound.js";
import type { Messengers } from "../core/conversation/messenger.js";
import type { Logger } from "../core/logger.js";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "../store/keys.js";
import { SlackTokenRefresh } from "../store/slack-token-refresh.js";
import type { HttpServer } from "./http-server.js";
import { installationRedis } from "./installation-redis.js";
import { secretBoxOf } from "./secret-box-of.js";

/** The deployment's RedisClient, once it is up (Slack installations live there in distribution mode). */
export type RedisAccess = () => { redis: RedisClient; keys: Keys };

type SlackInstallations = import("../adapters/slack/index.js").RotatingInstallationStore;
/** One store per configuration, shared by the adapter and the messenger of a process (one single-flight). */
const installationStores = new WeakMap<Config, Promise<SlackInstallations>>();

/** The installation store of a distributed Slack app, made once, on first use (RedisClient is up by then). */
function slackInstallationsOf(config: Config, redis: RedisAccess | undefined, logger: Logger) {
  return () => {
    let made = installationStores.get(config);
    if (made) return made;
    made = slack().then(({ createSlackInstallations }) => {
      if (!redis) throw new Error("Slack distribution needs RedisClient");
      const { redis: connection, keys } = redis();
      return createSlackInstallations({
        clientId: config.SLACK_CLIENT_ID!,
        clientSecret: config.SLACK_CLIENT_SECRET!,
        box: secretBoxOf(config, logger)!, // distribution mode requires SECRETS_KEY (platform-setup.ts)
        apiUrl: config.SLACK_API_URL,
        redis: installationRedis(connection),
        refreshes: new SlackTokenRefresh(connection, keys),
        prefix: keys.bull,
        logger: logger.child({ platform: "slack" }),
      });
    });
    installationStores.set(config, made);
    return made;
  };
}

// Each platform's library (discord.js, Bolt) is loaded only when that platform is configured: loading
// both costs about a second of CPU at start-up.
const discord = () => import("../adapters/discord/index.js");
const slack = () => import("../adapters/slack/index.js");

/** The outbound side of every configured platform (REST only: workers deliver too). */
export async function platformMessengers(
  config: Config,
  logger: Logger,
  redis?: RedisAccess,
): Promise<Messengers> {
  const messengers: Messengers = {};
  const media = mediaUrlPolicy(config);
  if (config.DISCORD_TOKEN) {
    const { createDiscordMessenger } = await discord();
    messengers.discord = createDiscordMessenger({
      token: config.DISCORD_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      maxRateLimitWaitMs: config.RATE_LIMIT_MAX_WAIT_MS,
      media,
      logger: logger.child({ platform: "discord" }),
    });
  }
  if (isSlackDistribution(config)) {
    const { createWorkspaceSlackMessenger, installationTokens } = await slack();
    messengers.slack = createWorkspaceSlackMessenger({
      tokens: installationTokens(
        slackInstallationsOf(config, redis, logger),
        logger.child({ platform: "slack" }),
      ),
      apiUrl: config.SLACK_API_URL,
      maxRateLimitWaitMs: config.RATE_LIMIT_MAX_WAIT_MS,
      maxUploadBytes: config.SLACK_MAX_UPLOAD_MB * 1_000_000,
      media,
      logger: logger.child({ platform: "slack" }),
    });
  } else if (config.SLACK_BOT_TOKEN) {
    const { createSlackMessenger } = await slack();
    messengers.slack = createSlackMessenger({
      botToken: config.SLACK_BOT_TOKEN,
      apiUrl: config.SLACK_API_URL,
      maxRateLimitWaitMs: config.RATE_LIMIT_MAX_WAIT_MS,
      media,
      maxUploadBytes: config.SLACK_MAX_UPLOAD_MB * 1_000_000,
      logger: logger.child({ platform: "slack" }),
    });
  }
  return messengers;
}

/** The inbound side of every configured platform; Slack's HTTP mode is mounted on the app's server. */
export async function platformAdapters(
  config: Config,
  handler: IntakePort,
  logger: Logger,
  http: HttpServer | undefined,
  redis?: RedisAccess,
  onFeedback?: (platform: "slack", rating: "good" | "bad") => void,
): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  for (const platform of configuredPlatforms(config)) {
    const log = logger.child({ platform });
    if (platform === "discord") {
      const { createDiscordAdapter, discordShards } = await discord();
      adapters.push(
        createDiscordAdapter({
          token: config.DISCORD_TOKEN!,
          apiUrl: config.DISCORD_API_URL,
          guildId: config.DISCORD_GUILD_ID,
          allowedGuilds: config.DISCORD_ALLOWED_GUILDS,
          allowedChannels: config.DISCORD_ALLOWED_CHANNELS,
          messageContent: config.DISCORD_MESSAGE_CONTENT,
          shards: discordShards(config.DISCORD_SHARDS, config.DISCORD_SHARD_COUNT),
          adminRoles: config.DISCORD_ADMIN_ROLES,
          handler,
          logger: log,
        }),
      );
    } else {
      const {
        createSlackAdapter,
        SLACK_EVENTS_PATH,
        SLACK_INSTALL_PATH,
        SLACK_OAUTH_REDIRECT_PATH,
        SLACK_BOT_SCOPES,
      } = await slack();
      const distribution = isSlackDistribution(config)
        ? {
            clientId: config.SLACK_CLIENT_ID!,
            clientSecret: config.SLACK_CLIENT_SECRET!,
            stateSecret: config.SLACK_STATE_SECRET!,
            installations: await slackInstallationsOf(config, redis, logger)(),
            scopes: SLACK_BOT_SCOPES,
          }
        : undefined;
      const setup = createSlackAdapter({
        botToken: config.SLACK_BOT_TOKEN,
        distribution,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        // With an allowlist, DMs are allowed only when it lists "dm" (as for Discord).
        allowedChannels: config.SLACK_ALLOWED_CHANNELS.filter((channel) => channel !== "dm"),
        allowDirectMessages:
          config.SLACK_ALLOWED_CHANNELS.length === 0 || config.SLACK_ALLOWED_CHANNELS.includes("dm"),
        handler,
        logger: log,
        onFeedback: onFeedback && ((rating) => onFeedback("slack", rating)),
      });
      if (setup.requestListener) {
        if (!http) throw new Error("Slack HTTP mode needs the gateway's HTTP server");
        http.mount(SLACK_EVENTS_PATH, setup.requestListener);
        if (distribution) {
          http.mount(SLACK_INSTALL_PATH, setup.requestListener);
          http.mount(SLACK_OAUTH_REDIRECT_PATH, setup.requestListener);
        }
      }
      log.info({ transport: setup.transport }, "slack-transport");
      adapters.push(setup.adapter);
    }
  }
  return adapters;
}
