import type { REST } from "@discordjs/rest";
import { type RESTGetAPIGatewayBotResult, Routes } from "discord-api-types/v10";
import type { CheckResult } from "../../../core/check-result.js";

/**
 * Which shards one gateway process runs, as discord.js's `Client` options `shards` + `shardCount`:
 * - nothing set: one shard (`[0]` of 1) — below 2,500 guilds;
 * - `DISCORD_SHARDS=auto`: every shard, the count from Discord's recommendation (`GET /gateway/bot`)
 *   unless `DISCORD_SHARD_COUNT` fixes it;
 * - `DISCORD_SHARDS=0,1` with `DISCORD_SHARD_COUNT=4`: these shards of four — run `2,3` in another
 *   process and the two split the guilds (Discord sends a guild's events to shard
 *   `(guild_id >> 22) % count`, DMs to shard 0);
 * - only `DISCORD_SHARD_COUNT=N`: every shard of N in this process.
 */
export type DiscordShards =
  | { shards: "auto"; shardCount?: number }
  | { shards: number[]; shardCount: number };

/** {@link DiscordShards} from `DISCORD_SHARDS` and `DISCORD_SHARD_COUNT` (validated by the config schema). */
export function discordShards(list: string | undefined, count: number | undefined): DiscordShards {
  if (list === "auto")
    return count === undefined ? { shards: "auto" } : { shards: "auto", shardCount: count };
  const total = count ?? 1;
  if (!list) return { shards: Array.from({ length: total }, (_, id) => id), shardCount: total };
  return { shards: list.split(",").map((id) => Number(id.trim())), shardCount: total };
}

/** `shards` and `shardCount` for discord.js's `ClientOptions`. */
export function clientShardOptions(shards: DiscordShards): {
  shards: number[] | "auto";
  shardCount?: number;
} {
  if (shards.shards === "auto" && shards.shardCount !== undefined) {
    // discord.js's "auto" asks Discord for the count; a fixed count means all of its shards.
    return {
      shards: Array.from({ length: shards.shardCount }, (_, id) => id),
      shardCount: shards.shardCount,
    };
  }
  return shards.shards === "auto"
    ? { shards: "auto" }
    : { shards: shards.shards, shardCount: shards.shardCount };
}

/** The doctor line: how many shards Discord recommends (`GET /gateway/bot`) against what is configured. */
export async function shardCheck(rest: REST, configuredCount: number | undefined): Promise<CheckResult> {
  const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  const recommended = gateway.shards;
  const configured = configuredCount ?? 1;
  const detail = `Discord recommends ${recommended} shard${recommended === 1 ? "" : "s"} (GET /gateway/bot); DISCORD_SHARD_COUNT is ${configuredCount ?? "unset (1)"}`;
  if (configured >= recommended) return { name: "discord shards", status: "ok", detail };
  return {
    name: "discord shards",
    status: "warn",
    detail: `${detail} — set DISCORD_SHARD_COUNT=${recommended} (or DISCORD_SHARDS=auto) and split DISCORD_SHARDS over the gateway processes`,
  };
}
