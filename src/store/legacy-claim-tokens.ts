import { LuaScript } from "./lua-script.js";
import { RedisStore, scanKeys } from "./redis-store.js";

/** Set once the pass below went through: later starts skip it (no scan of the keyspace at each start). */
const DONE = "legacy-claim-tokens-forgotten";

// Drops `"projectUrl":"…"` (a claim link) from every entry of a history list, in place. Returns how
// many entries changed. JSON.stringify never writes a raw quote inside a string, so `[^"]*` is the URL.
const STRIP_PROJECT_URLS = new LuaScript(`
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local changed = 0
for index, entry in ipairs(entries) do
  if string.find(entry, '"projectUrl":', 1, true) then
    local stripped = string.gsub(entry, ',"projectUrl":"[^"]*"', '')
    stripped = string.gsub(stripped, '"projectUrl":"[^"]*",?', '')
    redis.call('LSET', KEYS[1], index - 1, stripped)
    changed = changed + 1
  end
end
return changed
`);

/**
 * Older versions kept claim tokens in the clear: a per-session cache (`claim:<session>`, up to 6
 * days) and each history entry's `projectUrl` (up to 30 days). Whoever reads them can take the
 * projects, so the first worker of this version deletes them, once per deployment.
 */
export class LegacyClaimTokens extends RedisStore {
  /** Deletes what is left; resolves to how many cache keys and history entries went (undefined: done before). */
  async forget(): Promise<{ caches: number; entries: number } | undefined> {
    if ((await this.redis.exists(this.keys.kv(DONE))) === 1) return undefined;
    let caches = 0;
    let entries = 0;
    for (const key of await scanKeys(this.redis, `${this.keys.bull}:claim:*`))
      caches += await this.redis.unlink(key);
    for (const key of await scanKeys(this.redis, `${this.keys.bull}:history:*`)) {
      entries += Number(await STRIP_PROJECT_URLS.run(this.redis, 1, key));
    }
    await this.redis.set(this.keys.kv(DONE), String(Date.now()));
    return { caches, entries };
  }
}
