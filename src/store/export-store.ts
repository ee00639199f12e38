import type { Lang } from "../core/conversation/language.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { COMPARE_AND_DELETE, LuaScript } from "./lua-script.js";
import { RedisStore } from "./redis-store.js";

/** What asking for an export says (the `render` job's data); a waiting export's record starts with it. */
export interface ExportRequest {
  refKey: string;
  /** The inbound event that asked for the export: in every log line of it. */
  trace?: string | undefined;
  /** Who asked for it: they may cancel it (besides the thread's owner and admins); the video goes into their history. */
  userId?: string | undefined;
  /** Language of the user-facing texts. */
  lang: Lang;
  /** The export's progress message. */
  ackMessageId?: string | undefined;
  /** Private mode: the asker's DM (its conversation key), where its messages go instead of the thread. */
  privateTo?: string | undefined;
}

/** One export waiting at the backend (a Redis hash per export, keyed by the export's job id). */
export interface PendingExport extends ExportRequest {
  /** The export's job id (also the value of the thread's export lock and the Cancel button's argument). */
  id: string;
  /** The render id being polled; absent before submission. */
  renderId?: string | undefined;
  /** The id of a submission about to leave, recorded first: a poller retaking it looks it up instead. */
  submitting?: string | undefined;
  /** 1 for the first submission, 2 for the one retry with a new id. */
  submission: number;
  /** When it was handed over (ms); absent in records of older versions. */
  createdAt?: number | undefined;
  submittedAt?: number | undefined;
  /** Whole percent last shown. */
  lastProgress: number;
  /** The current poll interval (ms): shorter while progress moves, longer while it stalls. */
  interval: number;
  /** The user cancelled it (a failed render is then not submitted again). */
  cancelled: boolean;
}

export interface ClaimOptions {
  /** At most this many. */
  limit: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

// Atomically claims up to ARGV[2] due exports: each is moved to the time its next poll is due if it
// stalls again (twice its interval, within [min, max]; an export not yet submitted: max), which is also
// its claim's expiry: a poller that dies leaves it due again then. Returns [id, fields, …] and the next
// due time. A steady, stalled export then costs no write after its poll.
const CLAIM = new LuaScript(`
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(due) do
  local fields = redis.call('HGETALL', ARGV[5] .. id)
  if #fields == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    local interval, submitted = 0, false
    for i = 1, #fields, 2 do
      if fields[i] == 'interval' then interval = tonumber(fields[i + 1]) end
      if fields[i] == 'renderId' and fields[i + 1] ~= '' then submitted = true end
    end
    local lease = tonumber(ARGV[4])
    if submitted then lease = math.min(lease, math.max(tonumber(ARGV[3]), interval * 2)) end
    redis.call('ZADD', KEYS[1], now + lease, id)
    out[#out + 1] = id
    out[#out + 1] = fields
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {out, first[2] or false}`);

// Atomically: the export leaves the due set, its record goes, and the thread's export lock is released
// when this export holds it (a newer export of the thread keeps its own).
const FINISH = new LuaScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1`);

// Creates the record and makes it due at once, unless it exists (a retaken export job).
const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), ARGV[4])
return 1`);

/**
 * Exports waiting at the backend: a record per export and one sorted set of them by next poll time
 * (`{nemo}:renders:due`), claimed in batches by the export pollers of every worker process.
 */
export class ExportStore extends RedisStore {
  /**
   * Takes over the waiting exports of a version that kept them under the old key name (`renders:due`):
   * one atomic step, so processes starting together move each member once (the earlier due time wins).
   */
  async adoptLegacyDue(): Promise<void> {
    const [current, legacy] = [this.keys.exportsDue(), this.keys.legacyExportsDue()];
    // Nothing to adopt (every start after the first): no rewrite of the due set.
    if ((await this.redis.exists(legacy)) === 0) return;
    await this.redis.multi().zunionstore(current, 2, current, legacy, "AGGREGATE", "MIN").del(legacy).exec();
  }

  /** Records a new export, due now; false when it exists already. */
  async create(id: string, request: ExportRequest, interval: number): Promise<boolean> {
    // Only the request's fields: a job queued by an older version may carry more.
    const { refKey, trace, userId, lang, ackMessageId, privateTo } = request;
    const fields = encode({
      id,
      refKey,
      trace,
      userId,
      lang,
      ackMessageId,
      privateTo,
      submission: 1,
      createdAt: Date.now(),
      lastProgress: 0,
      interval,
      cancelled: false,
    });
    const created = await CREATE.run(
      this.redis,
      2,
      this.keys.exportsDue(),
      this.keys.exporting(id),
      String(Date.now()),
      String(KEY_TTL_SECONDS.exporting),
      // "id" first: ARGV[4] is the member added to the due set.
      ...fields,
    );
    return created === 1;
  }

  async get(id: string): Promise<PendingExport | undefined> {
    const hash = await this.redis.hgetall(this.keys.exporting(id));
    return hash.refKey ? decode(hash) : undefined;
  }

  async claim(options: ClaimOptions): Promise<{ records: PendingExport[]; nextDue: number | undefined }> {
    const [flat, first] = (await CLAIM.run(
      this.redis,
      1,
      this.keys.exportsDue(),
      String(Date.now()),
      String(options.limit),
      String(options.minIntervalMs),
      String(options.maxIntervalMs),
      this.keys.exporting(""),
    )) as [(string | string[])[], string | null];
    const records: PendingExport[] = [];
    for (let index = 0; index < flat.length; index += 2) {
      const fields = flat[index + 1] as string[];
      const hash: Record<string, string> = {};
      for (let f = 0; f < fields.length; f += 2) hash[fields[f]!] = fields[f + 1]!;
      records.push(decode(hash));
    }
    return { records, nextDue: first === null ? undefined : Number(first) };
  }

  /** Writes changed fields; `dueAt` also moves the next poll. */
  async update(id: string, patch: Partial<PendingExport>, dueAt?: number): Promise<void> {
    const fields = encode(patch);
    if (dueAt === undefined) {
      if (fields.length > 0) await this.redis.hset(this.keys.exporting(id), ...fields);
      return;
    }
    const steps = this.redis.multi();
    if (fields.length > 0) steps.hset(this.keys.exporting(id), ...fields);
    await steps.zadd(this.keys.exportsDue(), dueAt, id).exec();
  }

  /** Polls it soon (a cancellation), when it is still waiting. */
  async dueNow(id: string): Promise<void> {
    await this.redis.zadd(this.keys.exportsDue(), "XX", Date.now(), id);
  }

  /** Releases the thread's export lock when this export holds it (an export that never got a record). */
  async release(request: Pick<PendingExport, "id" | "refKey">): Promise<void> {
    // A newer export of the thread keeps its own lock.
    await COMPARE_AND_DELETE.run(this.redis, 1, this.keys.exportLock(request.refKey), request.id);
  }

  async finish(record: Pick<PendingExport, "id" | "refKey">): Promise<void> {
    await FINISH.run(
      this.redis,
      3,
      this.keys.exportsDue(),
      this.keys.exporting(record.id),
      this.keys.exportLock(record.refKey),
      record.id,
    );
  }
}

function encode(record: Partial<PendingExport>): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    fields.push(name, typeof value === "boolean" ? (value ? "1" : "") : String(value));
  }
  return fields;
}

function decode(hash: Record<string, string>): PendingExport {
  const optional = (value: string | undefined) => (value ? value : undefined);
  return {
    id: hash.id ?? "",
    refKey: hash.refKey ?? "",
    trace: optional(hash.trace),
    userId: optional(hash.userId),
    lang: (hash.lang ?? "en") as Lang,
    ackMessageId: optional(hash.ackMessageId),
    privateTo: optional(hash.privateTo),
    renderId: optional(hash.renderId),
    submitting: optional(hash.submitting),
    submission: Number(hash.submission ?? 1),
    createdAt: hash.createdAt ? Number(hash.createdAt) : undefined,
    submittedAt: hash.submittedAt ? Number(hash.submittedAt) : undefined,
    lastProgress: Number(hash.lastProgress ?? 0),
    interval: Number(hash.interval ?? 0),
    cancelled: hash.cancelled === "1",
  };
}
