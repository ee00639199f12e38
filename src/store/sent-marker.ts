import { isStateSnapshot, type StateBaseline, snapshotState } from "../core/nemo/state-diff.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** What is recorded before a message's `/run_sse` leaves: enough to recover without sending again. */
export interface SentRecord {
  sessionId: string;
  /**
   * The state before the message, to tell what it changed. A whole state may be given to `claim`; what is
   * kept (and read back) is its snapshot: a hash plus the few fields a diff needs, never the whole state.
   */
  before: StateBaseline | null;
  at: number;
  /** The answer (or the recovery report) was posted: a job retaken later has nothing left to do. */
  answered?: boolean | undefined;
}

/** How long the records live; shortened by tests to show Redis returning to its baseline. */
export interface SentMarkerTtls {
  /** A message claimed but not yet answered (stream ≤ 15 min, then recovery ≤ ~5 min: generous). */
  inFlightSeconds: number;
  /** Answered: only "answered" is kept, so a job retaken after its answer does nothing. */
  answeredSeconds: number;
}

/**
 * The "never twice" marker of each message, in Redis so every worker sees it. Also trims the message's
 * prompt record (`keys.inbound`, written by the intake for Retry) once the message is answered.
 */
export class SentMarker {
  private readonly ttl: SentMarkerTtls;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    ttl: Partial<SentMarkerTtls> = {},
  ) {
    this.ttl = {
      inFlightSeconds: KEY_TTL_SECONDS.sentInFlight,
      answeredSeconds: KEY_TTL_SECONDS.sentAnswered,
      ...ttl,
    };
  }

  /** Records the send; false when it was already recorded (the message must not be sent again). */
  async claim(inboundId: string, record: SentRecord): Promise<boolean> {
    const before =
      record.before && !isStateSnapshot(record.before) ? snapshotState(record.before) : record.before;
    const result = await this.redis.set(
      this.keys.sent(inboundId),
      JSON.stringify({ ...record, before }),
      "EX",
      this.ttl.inFlightSeconds,
      "NX",
    );
    return result === "OK";
  }

  async read(inboundId: string): Promise<SentRecord | undefined> {
    const raw = await this.redis.get(this.keys.sent(inboundId));
    return raw ? (JSON.parse(raw) as SentRecord) : undefined;
  }

  /**
   * Records that the message's outcome reached the thread: the marker keeps only "answered" (no baseline)
   * for a short while, and the prompt record is deleted, unless the reply offers Retry (which needs it).
   * Also for an outcome without a marker (an error before sending): then only the prompt record is trimmed.
   */
  async markAnswered(
    inboundId: string,
    options: {
      retryOffered?: boolean;
      /** The marker as claimed or read by the caller: spares reading it again (only written if it exists). */
      known?: Pick<SentRecord, "sessionId" | "at"> | undefined;
      /** Also deletes the turn's kept partial answer (`keys.partial`), in the same round trip. */
      clearPartial?: boolean;
    } = {},
  ): Promise<void> {
    if (options.known) {
      // Idempotent writes, one round trip, no MULTI/EXEC: "answered" replaces the marker only if it is there.
      const answered: SentRecord = {
        sessionId: options.known.sessionId,
        before: null,
        at: options.known.at,
        answered: true,
      };
      const steps = this.redis.pipeline();
      steps.set(this.keys.sent(inboundId), JSON.stringify(answered), "EX", this.ttl.answeredSeconds, "XX");
      const gone = [
        ...(options.retryOffered ? [] : [this.keys.inbound(inboundId)]),
        ...(options.clearPartial ? [this.keys.partial(inboundId)] : []),
      ];
      if (gone.length > 0) steps.del(...gone); // one DEL for both (same slot: the deployment's hash tag)
      await steps.exec();
      return;
    }
    const record = await this.read(inboundId);
    const steps = this.redis.multi();
    if (options.clearPartial) steps.del(this.keys.partial(inboundId));
    if (record) {
      const answered: SentRecord = {
        sessionId: record.sessionId,
        before: null,
        at: record.at,
        answered: true,
      };
      steps.set(this.keys.sent(inboundId), JSON.stringify(answered), "EX", this.ttl.answeredSeconds);
    }
    if (!options.retryOffered) steps.del(this.keys.inbound(inboundId));
    await steps.exec();
  }

  /** Only for refusals: the backend provably did not take the message, so it may be sent later. */
  async release(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.sent(inboundId));
  }
}
