import { type Client, Events } from "discord.js";
import type { ChatAdapter } from "../../../core/conversation/chat-adapter.js";
import type { IntakePort } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { discordStatus } from "../common/rest-failure.js";
import type { DiscordShards } from "../setup/sharding.js";
import { registerSlashCommands } from "../setup/slash-commands.js";
import { createGatewayClient, logIn } from "./gateway-client.js";
import type { InboundContext } from "./inbound-context.js";
import { handleInteraction } from "./inbound-interaction.js";
import { handleMessage } from "./inbound-message.js";

/** Settings of the Discord adapter (the inbound side: gateway connection and slash commands). */
export interface DiscordAdapterConfig {
  /** The bot token (`DISCORD_TOKEN`); never logged. */
  token: string;
  /** REST base instead of `https://discord.com/api` (`DISCORD_API_URL`); the gateway URL comes from it. */
  apiUrl?: string | undefined;
  /** Register the slash commands in this guild only (instant) instead of globally (`DISCORD_GUILD_ID`). */
  guildId?: string | undefined;
  /** Guild ids the bot works in; empty: all. Add `"dm"` to keep direct messages when the list is set. */
  allowedGuilds: string[];
  /** Channel ids the bot works in (a thread counts as its parent channel); empty: all. */
  allowedChannels: string[];
  /**
   * Request the privileged Message Content intent (enable it in the Developer Portal). Without it the bot
   * still answers mentions, DMs, slash commands and buttons, but not thread follow-ups without a mention.
   */
  messageContent: boolean;
  /** Which shards this process runs (`DISCORD_SHARDS`, `DISCORD_SHARD_COUNT`); default one shard of one. */
  shards?: DiscordShards | undefined;
  /** Role ids whose members are bot admins (`DISCORD_ADMIN_ROLES`); Manage Server makes one anyway. */
  adminRoles?: string[] | undefined;
  /** Receives every accepted event (the intake). */
  handler: IntakePort;
  logger: Logger;
}

/**
 * Creates the Discord adapter: a discord.js gateway client with the least intents that turns mentions,
 * thread messages, DMs, slash commands and button clicks into `Inbound` events for `config.handler`, and
 * registers the slash commands at start with one PUT. Replies do not go through this client: the core
 * posts them with the REST messenger (`createDiscordMessenger`), so `start()` may run in a gateway-only
 * process.
 */
export function createDiscordAdapter(config: DiscordAdapterConfig): ChatAdapter {
  const log = config.logger.child({ part: "discord" });
  const ctx: InboundContext = {
    handler: config.handler,
    logger: log,
    lists: { allowedGuilds: config.allowedGuilds, allowedChannels: config.allowedChannels },
    messageContent: config.messageContent,
    adminRoles: config.adminRoles ?? [],
  };
  const events = createEventTracker(log);
  let client: Client | undefined;

  return {
    platform: "discord",

    async start(): Promise<void> {
      if (client) return;
      if (!config.messageContent) {
        log.warn(
          "discord-message-content-off: the Message Content intent is not requested; the bot answers " +
            "mentions, DMs, slash commands and buttons, but not thread messages without a mention",
        );
      }
      const created = createGatewayClient(
        {
          apiUrl: config.apiUrl,
          messageContent: config.messageContent,
          shards: config.shards,
          onMessage: (message) => events.track(handleMessage(message, ctx), "message"),
          onInteraction: (interaction) => events.track(handleInteraction(interaction, ctx), "interaction"),
        },
        log,
      );
      await logIn(created, config.token);
      client = created;
      await registerCommands(created, config.guildId, log);
      log.info(
        {
          user: created.user?.tag,
          guilds: created.guilds.cache.size,
          shards: created.ws.shards.map((shard) => shard.id),
          shardCount: created.options.shardCount,
          messageContent: config.messageContent,
        },
        "discord-started",
      );
    },

    async stop(): Promise<void> {
      const running = client;
      client = undefined;
      if (!running) return;
      // Take no new events, let the ones under way finish (their interaction replies need the client),
      // then disconnect.
      running.removeAllListeners(Events.MessageCreate);
      running.removeAllListeners(Events.InteractionCreate);
      await events.settled();
      await running.destroy();
      log.info("discord-stopped");
    },
  };
}

/** Event handlers under way (a failure is logged, never thrown), so a stop can wait for them. */
function createEventTracker(log: Logger) {
  const inFlight = new Set<Promise<void>>();
  return {
    track(work: Promise<void>, what: string): void {
      const tracked = work.catch((error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, `discord-${what}-failed`);
      });
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
    },
    settled: async (): Promise<void> => void (await Promise.allSettled([...inFlight])),
  };
}

/** Registers the slash commands (in the guild, when one is configured); a failure is only logged. */
async function registerCommands(client: Client, guildId: string | undefined, log: Logger): Promise<void> {
  const applicationId = client.application?.id ?? client.user!.id;
  const scope = guildId ? `guild ${guildId}` : "global";
  try {
    const count = await registerSlashCommands(client.rest, applicationId, guildId);
    log.info({ count, scope }, "discord-commands-registered");
  } catch (error) {
    log.warn(
      { scope, status: discordStatus(error), err: String(error) },
      "discord-commands-registration-failed",
    );
  }
}
