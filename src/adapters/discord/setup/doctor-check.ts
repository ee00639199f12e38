import { REST } from "@discordjs/rest";
import { type APIApplication, type APIUser, ApplicationFlags, Routes } from "discord-api-types/v10";
import type { CheckResult } from "../../../core/check-result.js";
import { describeFailure } from "../../../core/network-failure.js";
import { discordStatus } from "../common/rest-failure.js";
import { discordInviteUrl } from "./invite-url.js";
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
  const status = discordStatus(error);
  if (status === 401) return "token rejected (401): check DISCORD_TOKEN";
  const message = describeFailure(error);
  if (status !== undefined) return `Discord answered ${status}: ${message}`;
  return `could not reach the Discord API${apiUrl ? ` at ${apiUrl}` : ""}: ${message}`;
}
