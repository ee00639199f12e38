import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/**
 * What workers learned about one turn or upload job that its later runs (after being parked, delayed or
 * retaken) and other steps need. Job data stays as the intake wrote it; this record holds the rest.
 */
export interface WorkRecord {
  /** The acknowledgement the work edits as it goes (posted when a worker first took the job). */
  ackMessageId?: string | undefined;
  /** The sender's locale, looked up by the worker when the platform did not say it. */
  locale?: string | undefined;
  /** A turn whose stream was lost: which poll of the state comes next. */
  recoveryAttempt?: number | undefined;
  /** A turn whose `/run_sse` was refused with this HTTP status: one state check, then the user is told. */
  refusedStatus?: number | undefined;
  /** A turn waiting for an unreachable backend: since when (epoch ms), and how many waits so far. */
  backendWaitSince?: number | undefined;
  backendWaitAttempt?: number | undefined;
  /** Private mode: the sender's DM (its conversation key) where every message of the job goes. */
  privateTo?: string | undefined;
}

const NUMBERS = ["recoveryAttempt", "refusedStatus", "backendWaitSince", "backendWaitAttempt"] as const;
const STRINGS = ["ackMessageId", "locale", "privateTo"] as const;

/** `{prefix}:work:<jobId>`: one hash per job, with a TTL renewed on each write. */
export class WorkRecords {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number = KEY_TTL_SECONDS.work,
  ) {}

  async read(jobId: string): Promise<WorkRecord> {
    const hash = await this.redis.hgetall(this.keys.work(jobId));
    const record: WorkRecord = {};
    for (const field of STRINGS) if (hash[field] !== undefined) record[field] = hash[field];
    for (const field of NUMBERS) if (hash[field] !== undefined) record[field] = Number(hash[field]);
    return record;
  }

  /** Sets the fields given; a field given as undefined is removed. */
  async write(jobId: string, patch: WorkRecord): Promise<void> {
    const key = this.keys.work(jobId);
    const entries = Object.entries(patch) as [keyof WorkRecord, string | number | undefined][];
    const set = entries.filter(([, value]) => value !== undefined).flatMap(([f, v]) => [f, String(v)]);
    const gone = entries.filter(([, value]) => value === undefined).map(([field]) => field);
    // Idempotent writes in one round trip (no MULTI/EXEC: two commands fewer).
    const steps = this.redis.pipeline();
    if (set.length > 0) steps.hset(key, ...set);
    if (gone.length > 0) steps.hdel(key, ...gone);
    await steps.expire(key, this.ttlSeconds).exec();
  }

  /** The job is done: nothing of it is needed any more. */
  async clear(jobId: string): Promise<void> {
    await this.redis.del(this.keys.work(jobId));
  }
}

/**
 * What a job queued by a version before 0.2 carries in its own data (workers wrote these fields there),
 * so such a job resumes where it was: its acknowledgement is edited, not posted again.
 */
export function legacyWorkRecord(data: object): WorkRecord {
  const fields = data as Record<string, unknown>;
  const record: WorkRecord = {};
  if (typeof fields.ackMessageId === "string") record.ackMessageId = fields.ackMessageId;
  for (const field of NUMBERS) if (typeof fields[field] === "number") record[field] = fields[field];
  return record;
}
