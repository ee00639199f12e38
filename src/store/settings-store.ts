import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import {
  effectiveSettings,
  type GenerationSettings,
  isAspectRatio,
  type PlaceSettings,
} from "../core/conversation/generation-settings.js";
import type { Lang } from "../core/conversation/language.js";
import { placeOf } from "../core/conversation/place.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

type Hash = Record<string, string>;

const LANGS: readonly Lang[] = ["en", "zh-CN"];

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : undefined;
}

function flag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === "1";
}

function memberFrom(hash: Hash): GenerationSettings {
  return {
    aspectRatio: isAspectRatio(hash.aspectRatio) ? hash.aspectRatio : undefined,
    lengthSeconds: positive(hash.lengthSeconds),
    language: LANGS.find((lang) => lang === hash.language),
    privateResults: flag(hash.privateResults),
  };
}

function placeFrom(hash: Hash): PlaceSettings {
  return {
    ...memberFrom(hash),
    maxLengthSeconds: positive(hash.maxLengthSeconds),
    variations: positive(hash.variations),
    privateForbidden: flag(hash.privateForbidden),
  };
}

/** Hash fields to write (a string each) and to delete (`null`: back to "no preference"). */
function fieldsOf(settings: Record<string, unknown>): { set: Hash; unset: string[] } {
  const set: Hash = {};
  const unset: string[] = [];
  for (const [field, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (value === null) unset.push(field);
    else set[field] = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  }
  return { set, unset };
}

/** A change: a value sets the field, `null` clears it, a missing field stays as it is. */
export type SettingsChange<T> = { [K in keyof T]?: T[K] | null };

/**
 * Members' own settings and places' defaults and limits, one small hash each. Who may change a place's
 * settings is the permission table's business, not this store's.
 */
export class SettingsStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async member(platform: string, userId: string): Promise<GenerationSettings> {
    return memberFrom(await this.redis.hgetall(this.keys.memberSettings(platform, userId)));
  }

  async place(ref: ConversationRef): Promise<PlaceSettings> {
    return placeFrom(await this.redis.hgetall(this.keys.placeSettings(ref.platform, placeOf(ref))));
  }

  /** What applies to `userId` in the conversation's place (both hashes read in one round trip). */
  async effective(ref: ConversationRef, userId: string): Promise<GenerationSettings> {
    const [member, place] = await Promise.all([this.member(ref.platform, userId), this.place(ref)]);
    return effectiveSettings(member, place);
  }

  /** Applies a member's change (the caller reads the settings afterwards, once, with the place's). */
  async changeMember(
    platform: string,
    userId: string,
    change: SettingsChange<GenerationSettings>,
  ): Promise<void> {
    await this.write(this.keys.memberSettings(platform, userId), change, KEY_TTL_SECONDS.memberSettings);
  }

  async changePlace(ref: ConversationRef, change: SettingsChange<PlaceSettings>): Promise<void> {
    await this.write(
      this.keys.placeSettings(ref.platform, placeOf(ref)),
      change,
      KEY_TTL_SECONDS.placeSettings,
    );
  }

  private async write(key: string, change: SettingsChange<PlaceSettings>, ttl: number): Promise<void> {
    const { set, unset } = fieldsOf(change);
    const multi = this.redis.multi();
    if (unset.length > 0) multi.hdel(key, ...unset);
    if (Object.keys(set).length > 0) multi.hset(key, set);
    multi.expire(key, ttl);
    await multi.exec();
  }
}
