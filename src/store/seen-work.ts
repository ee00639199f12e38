import { KEY_TTL_SECONDS } from "./keys.js";
import { LuaScript } from "./lua-script.js";
import { RedisStore } from "./redis-store.js";
import type { LineEntry } from "./thread-line.js";

// Atomically: the first time this work is seen, it joins the end of its thread's line (when it has
// one) and a message's prompt is kept for Retry → the line's length with it (1 without a line); a
// replay (or a platform's retry after a failed enqueue) → 0, and nothing else changes.
const SEEN_ONCE = new LuaScript(`
if redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then
  local length = 1
  if KEYS[2] then length = redis.call('RPUSH', KEYS[2], ARGV[2]) end
  if KEYS[3] then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4]) end
  return length
end
return 0`);

/** A line entry as the thread's line holds it (see thread-line.ts). */
const encodeLineEntry = (entry: LineEntry): string => `${entry.queue}|${entry.jobId}`;

/** One piece of an event's work about to be queued. */
export interface SeenWorkItem {
  /** The event whose work this is (its kept prompt is stored under it). */
  inboundId: string;
  /** Its queue and job id; also its entry in the thread's line. */
  entry: LineEntry;
  /** The thread whose line it joins, for work that waits its turn in the thread. */
  lineOf?: string | undefined;
  /** A message's text, kept for Retry (only for work in a line). */
  prompt?: unknown;
}

/** Which work was already seen: the intake's one Redis step before each job is added. */
export class SeenWork extends RedisStore {
  /**
   * Marks the work seen, joins its line and keeps its prompt, in one step: how many entries are ahead
   * of it in its line (0 without one); undefined for a replay.
   */
  async first(work: SeenWorkItem): Promise<number | undefined> {
    const { keys } = this;
    const line = work.lineOf === undefined ? [] : [keys.line(work.lineOf)];
    const kept = work.prompt && line.length > 0 ? [keys.inbound(work.inboundId)] : [];
    const result = (await SEEN_ONCE.run(
      this.redis,
      1 + line.length + kept.length,
      keys.seen(work.entry.jobId),
      ...line,
      ...kept,
      String(KEY_TTL_SECONDS.seen),
      encodeLineEntry(work.entry),
      JSON.stringify(work.prompt ?? null),
      String(KEY_TTL_SECONDS.inbound),
    )) as number;
    return result === 0 ? undefined : result - 1;
  }

  /** Undoes a first sighting whose job could not be added (best effort), so a retry starts afresh. */
  async forget(work: SeenWorkItem): Promise<void> {
    const undo = this.redis.multi().del(this.keys.seen(work.entry.jobId));
    if (work.lineOf !== undefined) undo.lrem(this.keys.line(work.lineOf), 1, encodeLineEntry(work.entry));
    await undo.exec().catch(() => undefined);
  }
}
