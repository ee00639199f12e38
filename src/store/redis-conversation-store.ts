import type { ConversationRecord, ConversationStore } from "../core/conversation/conversation-store.js";
import type { Platform } from "../core/nemo/types.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** Conversation records as Redis hashes, kept 30 days after last use. */
export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number = KEY_TTL_SECONDS.conversation,
  ) {}

  async get(key: string): Promise<ConversationRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.conversation(key));
    if (!hash.sessionId || !hash.taskId) return undefined;
    return {
      sessionId: hash.sessionId,
      taskId: hash.taskId,
      language: hash.language ?? "en",
      platform: (hash.platform ?? "console") as Platform,
      account: hash.account || undefined,
      fingerprint: hash.fingerprint || undefined,
      createdAt: Number(hash.createdAt ?? 0),
      usedAt: Number(hash.usedAt ?? 0),
      settingsSent: hash.settingsSent || undefined,
    };
  }

  async put(key: string, record: ConversationRecord): Promise<void> {
    const redisKey = this.keys.conversation(key);
    const fields: Record<string, string> = {
      sessionId: record.sessionId,
      taskId: record.taskId,
      language: record.language,
      platform: record.platform,
      account: record.account ?? "",
      fingerprint: record.fingerprint ?? "",
      createdAt: String(record.createdAt),
      usedAt: String(record.usedAt),
      settingsSent: record.settingsSent ?? "",
    };
    // Every field is written (absent ones as ""), so nothing of an earlier record survives: no DEL, and
    // two idempotent writes in one round trip need no MULTI/EXEC.
    await this.redis.pipeline().hset(redisKey, fields).expire(redisKey, this.ttlSeconds).exec();
  }

  /**
   * The record's TTL is renewed by the first use of each day (UTC) only: a `lastUsedAt` of the same day
   * means that use renewed it already (so did writing the record), and the record keeps at least 29 of
   * its 30 days after its last use.
   */
  async touch(key: string, fingerprint?: string, lastUsedAt?: number): Promise<void> {
    const redisKey = this.keys.conversation(key);
    const now = Date.now();
    const fields: Record<string, string> = { usedAt: String(now) };
    if (fingerprint !== undefined) fields.fingerprint = fingerprint;
    if (lastUsedAt !== undefined && dayOf(lastUsedAt) === dayOf(now)) {
      await this.redis.hset(redisKey, fields);
      return;
    }
    // Two idempotent writes in one round trip: no MULTI/EXEC (two more commands) needed.
    await this.redis.pipeline().hset(redisKey, fields).expire(redisKey, this.ttlSeconds).exec();
  }

  async markSettingsSent(key: string, settings: string): Promise<void> {
    const redisKey = this.keys.conversation(key);
    await this.redis
      .pipeline()
      .hset(redisKey, { settingsSent: settings })
      .expire(redisKey, this.ttlSeconds)
      .exec();
  }

  async remove(key: string): Promise<void> {
    await this.redis.del(this.keys.conversation(key));
  }
}

function dayOf(epochMs: number): number {
  return Math.floor(epochMs / 86_400_000);
}
