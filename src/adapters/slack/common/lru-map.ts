/**
 * A map that keeps at most `max` entries: reading or writing an entry makes it the newest, and writing
 * past the bound drops the least recently used one. The adapter's per-workspace state (request scopes,
 * Web API clients, messengers) lives in these, so that a distributed app installed in thousands of
 * workspaces keeps only the recently active ones in memory.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  /**
   * Where the oldest entry is found. A Map keeps insertion order and leaves a deleted entry's slot
   * behind until it compacts, so a fresh `keys()` walks past every slot evicted so far: ~8 µs per
   * insert of a full 10,000-entry map. This live iterator has visited (and evicted) only dropped or
   * moved entries, so the first entry it reaches next is the oldest one.
   */
  private oldest: Iterator<K> = this.entries.keys();

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`LruMap needs a bound of at least 1: ${max}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry, made the newest; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores the entry as the newest, dropping the least recently used ones past the bound. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) {
      let oldest = this.oldest.next();
      // An iterator that reached the end once stays there: start again from the first entry.
      if (oldest.done) {
        this.oldest = this.entries.keys();
        oldest = this.oldest.next();
      }
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Any entry (the least recently used), without touching it. */
  any(): V | undefined {
    return this.entries.values().next().value;
  }
}

/**
 * Bounds of a distributed app's per-workspace state in one process: the workspaces kept (their Web API
 * client, caches and messenger; the least recently active are dropped and made again when needed), and
 * each workspace's cached users and thread ownerships. A single-workspace bot keeps 5,000 and 10,000.
 * At most 200 × (500 + 1,000) cached entries on the gateway, 200 × 500 users in a worker.
 */
export const WORKSPACE_BOUNDS = { workspaces: 200, usersEach: 500, threadsEach: 1_000 } as const;
