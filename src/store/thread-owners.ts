import { type ConversationRef, refKey } from "../core/conversation/conversation-ref.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { LuaScript } from "./lua-script.js";
import { RedisStore } from "./redis-store.js";

/**
 * One step: the sender becomes the owner of a thread without one; the owner's own activity renews their
 * ownership; anyone else's changes nothing.
 */
const CLAIM = new LuaScript(`
local owner = redis.call("GET", KEYS[1])
if not owner then
  redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[2])
elseif owner == ARGV[1] then
  redis.call("EXPIRE", KEYS[1], ARGV[2])
end
return 1`);

/**
 * Who started each thread (its owner). The first sender wins; each of the owner's own messages, commands
 * and clicks renews their ownership for `KEY_TTL_SECONDS.owner` (30 days), so it passes to the next
 * sender only after the owner stayed quiet in the thread that long.
 */
export class ThreadOwners extends RedisStore {
  /** The thread's owner, once someone started it. */
  async owner(ref: ConversationRef): Promise<string | undefined> {
    return this.text(this.keys.owner(refKey(ref)));
  }

  /** Remembers the sender as the thread's owner unless it has another one; the owner's activity renews it. */
  async claim(ref: ConversationRef, userId: string): Promise<void> {
    await CLAIM.run(this.redis, 1, this.keys.owner(refKey(ref)), userId, KEY_TTL_SECONDS.owner);
  }
}
