import type { Redis } from "ioredis";
import type { NemoState } from "../core/nemo/types.js";
import type { Keys } from "./keys.js";

/** What is recorded before a message's `/run_sse` leaves: enough to recover without sending again. */
export interface SentRecord {
  sessionId: string;
  /** The state before the message, to tell what it changed. */
  before: NemoState | null;
  at: number;
  /** The answer (or the recovery report) was posted: a job retaken later has nothing left to do. */
  answered?: boolean | undefined;
}

const WEEK_SECONDS = 7 * 24 * 3600;

/** The "never twice" marker of each message, in Redis so every worker sees it. */
export class SentMarker {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Records the send; false when it was already recorded (the message must not be sent again). */
  async claim(inboundId: string, record: SentRecord): Promise<boolean> {
    const result = await this.redis.set(
      this.keys.sent(inboundId),
      JSON.stringify(record),
      "EX",
      WEEK_SECONDS,
      "NX",
    );
    return result === "OK";
  }

  async read(inboundId: string): Promise<SentRecord | undefined> {
    const raw = await this.redis.get(this.keys.sent(inboundId));
    return raw ? (JSON.parse(raw) as SentRecord) : undefined;
  }

  /** Records that the message's outcome reached the thread. */
  async markAnswered(inboundId: string): Promise<void> {
    const record = await this.read(inboundId);
    if (!record) return;
    await this.redis.set(this.keys.sent(inboundId), JSON.stringify({ ...record, answered: true }), "KEEPTTL");
  }

  /** Only for refusals: the backend provably did not take the message, so it may be sent later. */
  async release(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.sent(inboundId));
  }
}
