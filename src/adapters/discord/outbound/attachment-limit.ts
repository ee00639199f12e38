import type { REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";

/** Discord's upload limit where nothing raises it (DMs, unboosted servers): 10 MiB. */
export const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** The limit by boost tier, for guild objects that do not report `attachment_size_limit`. */
const BY_PREMIUM_TIER: Record<number, number> = {
  0: DEFAULT_ATTACHMENT_LIMIT,
  1: DEFAULT_ATTACHMENT_LIMIT,
  2: 50 * 1024 * 1024,
  3: 100 * 1024 * 1024,
};

const CACHE_MS = 10 * 60_000;

/**
 * The largest attachment the bot may post in a conversation's place: what the guild object reports
 * (`attachment_size_limit`, newer API versions), else by its boost tier (`premium_tier`), else 10 MiB;
 * direct messages 10 MiB. Cached per guild for ten minutes; a failed lookup gives the default.
 */
export function createAttachmentLimits(rest: Pick<REST, "get">): (ref: ConversationRef) => Promise<number> {
  const cache = new Map<string, { limit: number; until: number }>();
  return async (ref) => {
    if (ref.workspace === "dm") return DEFAULT_ATTACHMENT_LIMIT;
    const cached = cache.get(ref.workspace);
    if (cached && cached.until > Date.now()) return cached.limit;
    let limit = DEFAULT_ATTACHMENT_LIMIT;
    try {
      const guild = (await rest.get(Routes.guild(ref.workspace))) as {
        attachment_size_limit?: unknown;
        premium_tier?: unknown;
      };
      if (typeof guild.attachment_size_limit === "number" && guild.attachment_size_limit > 0) {
        limit = guild.attachment_size_limit;
      } else if (typeof guild.premium_tier === "number") {
        limit = BY_PREMIUM_TIER[guild.premium_tier] ?? DEFAULT_ATTACHMENT_LIMIT;
      }
    } catch {
      return DEFAULT_ATTACHMENT_LIMIT;
    }
    cache.set(ref.workspace, { limit, until: Date.now() + CACHE_MS });
    return limit;
  };
}
