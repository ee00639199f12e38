import { REST } from "@discordjs/rest";
import { PermissionFlagsBits } from "discord.js";
import { type APIApplication, type APIUser, ApplicationFlags, Routes } from "discord-api-types/v10";
import type { CheckResult } from "../../core/check-result.js";
import { describeFailure } from "../../core/network-failure.js";
import { shardCheck } from "./sharding.js";

/** What the Discord doctor checks need. */
export interface DiscordDoctorOptions {
  /** The bot token; only ever sent to Discord, never printed. */
  token: string;
  /** REST base instead of `https://discord.com/api` (`DISCORD_API_URL`). */
  apiUrl?: string | undefined;
  /** The application (client) id for the invite URL; read from `GET /applications/@me` when absent. */
  applicationId?: string | undefined;
  /** `DISCORD_SHARD_COUNT`, compared with Discord's recommendation. */
  shardCount?: number | undefined;
}

/** The permissions the bot needs in a channel, as a bitfield. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory;

/**
 * The OAuth2 URL that installs the app: to a server (`guild`, default: the bot with slash commands and
 * {@link BOT_PERMISSIONS}, `integration_type=0`) or to a user's account (`user`: the commands follow the
 * member into any server and DM, `integration_type=1`).
 */
export function discordInviteUrl(applicationId: string, install: "guild" | "user" = "guild"): string {
  const query = new URLSearchParams(
    install === "guild"
      ? {
          client_id: applicationId,
          scope: "bot applications.commands",
          permissions: BOT_PERMISSIONS.toString(),
          integration_type: "0",
        }
      : { client_id: applicationId, scope: "applications.commands", integration_type: "1" },
  );
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

const MESSAGE_CONTENT_FLAGS =
  ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;

/**
 * Doctor checks for Discord: the token (`GET /users/@me`, the bot's name), the application and its
 * Message Content intent (`GET /applications/@me`; off is a warning — mentions and slash commands still
 * work), and the invite URL with scopes `bot applications.commands` and the needed permissions.
 */
export async function discordDoctorCheck(options: DiscordDoctorOptions): Promise<CheckResult[]> {
  const rest = new REST({ ...(options.apiUrl ? { api: options.apiUrl } : {}), retries: 0, timeout: 10_000 });
  rest.setToken(options.token);
  let user: APIUser;
  try {
    user = (await rest.get(Routes.user())) as APIUser;
  } catch (error) {
    return [
      { name: "discord token", status: "fail", detail: failure(error, options.apiUrl) },
      { name: "discord invite", status: "skip", detail: "needs a valid token" },
    ];
  }
  const results: CheckResult[] = [
    { name: "discord token", status: "ok", detail: `bot ${user.username} (id ${user.id})` },
  ];
  let applicationId = options.applicationId;
  try {
    const application = (await rest.get(Routes.currentApplication())) as APIApplication;
    applicationId ??= application.id;
    const contentIntent = ((application.flags ?? 0) & MESSAGE_CONTENT_FLAGS) !== 0;
    results.push(
      contentIntent
        ? { name: "discord intents", status: "ok", detail: "Message Content intent enabled" }
        : {
            name: "discord intents",
            status: "warn",
            detail:
              "Message Content intent is off: the bot reads mentions, DMs and slash commands only " +
              "(enable it under Developer Portal → Bot → Privileged Gateway Intents, or run with it off)",
          },
    );
  } catch (error) {
    results.push({
      name: "discord intents",
      status: "warn",
      detail: `could not read the application: ${failure(error)}`,
    });
  }
  const id = applicationId ?? user.id;
  results.push(
    await shardCheck(rest, options.shardCount).catch(
      (error: unknown): CheckResult => ({
        name: "discord shards",
        status: "warn",
        detail: `could not read the recommended shard count: ${failure(error)}`,
      }),
    ),
  );
  results.push(
    { name: "discord invite", status: "ok", detail: discordInviteUrl(id, "guild") },
    { name: "discord user install", status: "ok", detail: discordInviteUrl(id, "user") },
  );
  return results;
}

function failure(error: unknown, apiUrl?: string): string {
  const status = (error as { status?: unknown }).status;
  if (status === 401) return "token rejected (401): check DISCORD_TOKEN";
  const message = describeFailure(error);
  if (typeof status === "number") return `Discord answered ${status}: ${message}`;
  return `could not reach the Discord API${apiUrl ? ` at ${apiUrl}` : ""}: ${message}`;
}
