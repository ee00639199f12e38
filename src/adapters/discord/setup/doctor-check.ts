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
  /** `DISCORD_MESSAGE_CONTENT`: whether the bot asks for the Message Content intent (default true). */
  messageContent?: boolean | undefined;
}

const MESSAGE_CONTENT_FLAGS =
  ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;

/**
 * The intent line. Asking for Message Content while the portal has it off makes Discord close the gateway
 * (4014), so `start` cannot connect: a failure naming `DISCORD_MESSAGE_CONTENT=false`. Not asking for it
 * is fine whatever the portal says.
 */
export function messageContentCheck(flags: number, requested: boolean): CheckResult {
  const name = "discord intents";
  if (!requested) {
    return {
      name,
      status: "ok",
      detail:
        "Message Content intent not requested (DISCORD_MESSAGE_CONTENT=false): the bot reads mentions, DMs, slash commands and buttons",
    };
  }
  if ((flags & MESSAGE_CONTENT_FLAGS) !== 0) {
    return { name, status: "ok", detail: "Message Content intent enabled" };
  }
  return {
    name,
    status: "fail",
    detail:
      "the Message Content intent is off in the Developer Portal, and the bot asks for it (Discord would close the " +
      "gateway with 4014) — set DISCORD_MESSAGE_CONTENT=false (mentions, DMs and slash commands only), or enable it " +
      "under Developer Portal → Bot → Privileged Gateway Intents",
  };
}

/**
 * Doctor checks for Discord: the token (`GET /users/@me`, the bot's name), the application and its
 * Message Content intent (`GET /applications/@me`, see {@link messageContentCheck}), and the invite URL
 * with scopes `bot applications.commands` and the needed permissions.
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
    results.push(messageContentCheck(application.flags ?? 0, options.messageContent ?? true));
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
