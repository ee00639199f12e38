import { once } from "node:events";
import { Client, Events } from "discord.js";
import type { ChatAdapter } from "../../core/conversation/chat-adapter.js";
import type { InboundHandler } from "../../core/conversation/inbound.js";
import type { Logger } from "../../core/logger.js";
import { DISCORD_PARTIALS, discordIntents } from "./gateway-intents.js";
import type { InboundContext } from "./inbound-context.js";
import { handleInteraction } from "./inbound-interaction.js";
import { handleMessage } from "./inbound-message.js";
import { clientShardOptions, type DiscordShards } from "./sharding.js";
import { registerSlashCommands } from "./slash-commands.js";

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
  /** Receives every accepted event (the core gateway). */
  handler: InboundHandler;
  logger: Logger;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Creates the Discord adapter: a discord.js gateway client with the least intents (see
 * {@link discordIntents}) that turns mentions, thread messages, DMs, slash commands and button clicks
 * into `Inbound` events for `config.handler`, and registers the slash commands at start with one PUT.
 * Replies do not go through this client: the core posts them with the REST messenger
 * (`createDiscordMessenger`), so `start()` may run in a gateway-only process.
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
  const inFlight = new Set<Promise<void>>();
  let client: Client | undefined;

  function track(work: Promise<void>, what: string): void {
    const tracked = work.catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) }, `discord-${what}-failed`);
    });
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  }

  function createClient(): Client {
    const created = new Client({
      intents: discordIntents(config.messageContent),
      partials: [...DISCORD_PARTIALS],
      allowedMentions: { parse: [], repliedUser: false },
      failIfNotExists: false,
      ...(config.shards ? clientShardOptions(config.shards) : {}),
      ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}),
    });
    created.on(Events.MessageCreate, (message) => track(handleMessage(message, ctx), "message"));
    created.on(Events.InteractionCreate, (interaction) =>
      track(handleInteraction(interaction, ctx), "interaction"),
    );
    created.on(Events.ShardDisconnect, (event, shard) =>
      log.warn({ shard, code: event.code }, "discord-gateway-disconnected"),
    );
    created.on(Events.ShardReconnecting, (shard) => log.info({ shard }, "discord-gateway-reconnecting"));
    created.on(Events.ShardResume, (shard, replayed) =>
      log.info({ shard, replayed }, "discord-gateway-resumed"),
    );
    created.on(Events.ShardError, (error, shard) =>
      log.warn({ shard, err: error.message }, "discord-gateway-error"),
    );
    created.on(Events.Error, (error) => log.error({ err: error.message }, "discord-client-error"));
    created.on(Events.Warn, (message) => log.warn({ warning: message }, "discord-client-warning"));
    return created;
  }

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
      const created = createClient();
      const ready = once(created, Events.ClientReady, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
      try {
        await created.login(config.token);
        await ready;
      } catch (error) {
        ready.catch(() => undefined);
        await created.destroy();
        throw loginError(error);
      }
      client = created;
      const applicationId = created.application?.id ?? created.user!.id;
      const scope = config.guildId ? `guild ${config.guildId}` : "global";
      try {
        const count = await registerSlashCommands(created.rest, applicationId, config.guildId);
        log.info({ count, scope }, "discord-commands-registered");
      } catch (error) {
        log.warn(
          { scope, status: (error as { status?: unknown }).status, err: String(error) },
          "discord-commands-registration-failed",
        );
      }
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
      await Promise.allSettled([...inFlight]);
      await running.destroy();
      log.info("discord-stopped");
    },
  };
}

/** A login failure with what to do about it (and never the token). */
function loginError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/disallowed intents/i.test(message)) {
    return new Error(
      "Discord refused the Message Content intent: enable it under Developer Portal → Bot → Privileged " +
        "Gateway Intents, or run with messageContent off",
      { cause: error },
    );
  }
  if (/token/i.test(message))
    return new Error("Discord rejected the bot token (DISCORD_TOKEN)", { cause: error });
  return new Error(`could not connect to Discord: ${message}`, { cause: error });
}
