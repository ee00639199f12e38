import { once } from "node:events";
import { Client, Events, type Interaction, type Message } from "discord.js";
import type { Logger } from "../../../core/logger.js";
import { DISCORD_PARTIALS, discordIntents } from "../setup/gateway-intents.js";
import { clientShardOptions, type DiscordShards } from "../setup/sharding.js";

const READY_TIMEOUT_MS = 60_000;

/** What the gateway client needs to know, and where its events go. */
export interface GatewayClientOptions {
  apiUrl?: string | undefined;
  messageContent: boolean;
  shards?: DiscordShards | undefined;
  onMessage(message: Message): void;
  onInteraction(interaction: Interaction): void;
}

/**
 * A discord.js client with the least intents (see {@link discordIntents}), no pings in anything it
 * sends, the configured shards, and its connection's ups and downs logged.
 */
export function createGatewayClient(options: GatewayClientOptions, log: Logger): Client {
  const client = new Client({
    intents: discordIntents(options.messageContent),
    partials: [...DISCORD_PARTIALS],
    allowedMentions: { parse: [], repliedUser: false },
    failIfNotExists: false,
    ...(options.shards ? clientShardOptions(options.shards) : {}),
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
  });
  client.on(Events.MessageCreate, options.onMessage);
  client.on(Events.InteractionCreate, options.onInteraction);
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.warn({ shard, code: event.code }, "discord-gateway-disconnected"),
  );
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, "discord-gateway-reconnecting"));
  client.on(Events.ShardResume, (shard, replayed) =>
    log.info({ shard, replayed }, "discord-gateway-resumed"),
  );
  client.on(Events.ShardError, (error, shard) =>
    log.warn({ shard, err: error.message }, "discord-gateway-error"),
  );
  client.on(Events.Error, (error) => log.error({ err: error.message }, "discord-client-error"));
  client.on(Events.Warn, (message) => log.warn({ warning: message }, "discord-client-warning"));
  return client;
}

/** Logs the client in and waits until it is ready; on failure destroys it and says what to do. */
export async function logIn(client: Client, token: string): Promise<void> {
  const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    ready.catch(() => undefined);
    await client.destroy();
    throw loginError(error);
  }
}

/** A login failure with what to do about it (and never the token). */
function loginError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/disallowed intents/i.test(message)) {
    return new Error(
      "Discord refused the Message Content intent (gateway close 4014) — set DISCORD_MESSAGE_CONTENT=false, " +
        "or enable it under Developer Portal → Bot → Privileged Gateway Intents",
      { cause: error },
    );
  }
  if (/token/i.test(message))
    return new Error("Discord rejected the bot token (DISCORD_TOKEN)", { cause: error });
  return new Error(`could not connect to Discord: ${message}`, { cause: error });
}
