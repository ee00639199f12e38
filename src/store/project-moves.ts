import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import { refKey } from "../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../core/conversation/conversation-store.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { LuaScript } from "./lua-script.js";
import { RedisStore } from "./redis-store.js";

/** What a continue code stands for: one thread's project at the time it was issued. */
export interface MoveTicket {
  sessionId: string;
  taskId: string;
  /** The linked account that owns the session (`<platform>:<user>`); "" = the bot's. */
  account: string;
  /** The thread the project lived in (its ref key). */
  source: string;
  /** Who asked for the code (a user id of the source's platform). */
  issuer: string;
}

/** How a move ended: done, or why not. */
export type MoveOutcome = "moved" | "stale" | "busy" | "same";

/** Wrong codes a member may type per window ({@link KEY_TTL_SECONDS.moveTries}) before being refused. */
export const MOVE_TRIES = 5;

/**
 * One step: the source thread still holds the session (else "stale": it moved on, or went away), is not
 * the target ("same"), and neither thread runs work ("busy": a turn in the source would interleave with
 * the target's on one session; a turn in the target would report on the project that replaced its own); then
 * the target gets the source's whole record (its session and account) and the source loses it, so the
 * project is bound to exactly one thread at any time.
 */
const MOVE = new LuaScript(`
if redis.call("HGET", KEYS[1], "sessionId") ~= ARGV[1] then return "stale" end
if KEYS[1] == KEYS[2] then return "same" end
if redis.call("LLEN", KEYS[3]) > 0 or redis.call("LLEN", KEYS[4]) > 0 then return "busy" end
local fields = redis.call("HGETALL", KEYS[1])
redis.call("DEL", KEYS[2])
redis.call("HSET", KEYS[2], unpack(fields))
redis.call("HSET", KEYS[2], "usedAt", ARGV[3], "platform", ARGV[4])
redis.call("EXPIRE", KEYS[2], ARGV[2])
redis.call("DEL", KEYS[1])
return "moved"`);

/** Takes a code's hash once: the first caller gets its fields, everyone after gets nothing. */
const TAKE = new LuaScript(`
local fields = redis.call("HGETALL", KEYS[1])
redis.call("DEL", KEYS[1])
return fields`);

/**
 * Moving a thread's project (backend session and account) to another thread: continue codes, kept only
 * as SHA-256 hashes for 15 minutes and taken once, the guess throttle, and the move itself.
 */
export class ProjectMoves extends RedisStore {
  /** Keeps a code's ticket under its digest (the code itself is never stored). */
  async issue(digest: string, ticket: MoveTicket): Promise<void> {
    const key = this.keys.moveCode(digest);
    await this.redis
      .multi()
      .hset(key, { ...ticket })
      .expire(key, KEY_TTL_SECONDS.moveCode)
      .exec();
  }

  /** Forgets a code that could not be handed over. */
  async revoke(digest: string): Promise<void> {
    await this.redis.del(this.keys.moveCode(digest));
  }

  /** The code's ticket, taken: a second take of the same code finds nothing. */
  async take(digest: string): Promise<MoveTicket | undefined> {
    const flat = (await TAKE.run(this.redis, 1, this.keys.moveCode(digest))) as string[];
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    if (!fields.sessionId || !fields.source) return undefined;
    return {
      sessionId: fields.sessionId,
      taskId: fields.taskId ?? "",
      account: fields.account ?? "",
      source: fields.source,
      issuer: fields.issuer ?? "",
    };
  }

  /** Whether the member typed too many wrong codes lately. */
  async throttled(platform: string, userId: string): Promise<boolean> {
    return Number(await this.redis.get(this.keys.moveTries(platform, userId))) >= MOVE_TRIES;
  }

  /** Counts a wrong code against the member (the window starts with the first). */
  async wrongTry(platform: string, userId: string): Promise<void> {
    const key = this.keys.moveTries(platform, userId);
    await this.redis.multi().incr(key).expire(key, KEY_TTL_SECONDS.moveTries, "NX").exec();
  }

  /** Moves the project `sessionId` from the thread `source` (a ref key) to `target`, in one step. */
  async move(source: string, target: ConversationRef, sessionId: string): Promise<MoveOutcome> {
    const into = refKey(target);
    return (await MOVE.run(
      this.redis,
      4,
      this.keys.conversation(source),
      this.keys.conversation(into),
      this.keys.line(source),
      this.keys.line(into),
      sessionId,
      KEY_TTL_SECONDS.conversation,
      Date.now(),
      target.platform,
    )) as MoveOutcome;
  }
}

/** The ticket of a thread's project, for a code its owner asked for. */
export function ticketOf(source: ConversationRef, record: ConversationRecord, issuer: string): MoveTicket {
  return {
    sessionId: record.sessionId,
    taskId: record.taskId,
    account: record.account ?? "",
    source: refKey(source),
    issuer,
  };
}
