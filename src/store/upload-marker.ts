import type { UploadedFile } from "../core/nemo/types.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";

/** Where the sending of one file of an upload job stands, so a retaken job decides correctly. */
export type UploadFileRecord =
  /**
   * A request left (or was about to leave) for the backend; it may or may not have arrived. `knownBefore`
   * is how many of the session's `video_infos` already matched the file then: one more means it arrived.
   * `absentSince` is when a retaken job first found no trace of it (it re-sends only after a settle time).
   */
  | {
      status: "sending";
      sessionId: string;
      startedAt: number;
      knownBefore: number;
      absentSince?: number | undefined;
    }
  /** The backend confirmed the file: what to tell the user. */
  | { status: "confirmed"; sessionId: string; files: UploadedFile[] };

const DONE = "done";

/** The per-file records of upload jobs: one Redis hash per job (field = file index), with a TTL. */
export class UploadMarker {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number = KEY_TTL_SECONDS.upload,
  ) {}

  async read(inboundId: string, index: number): Promise<UploadFileRecord | undefined> {
    const raw = await this.redis.hget(this.keys.upload(inboundId), String(index));
    return raw ? (JSON.parse(raw) as UploadFileRecord) : undefined;
  }

  async write(inboundId: string, index: number, record: UploadFileRecord): Promise<void> {
    const key = this.keys.upload(inboundId);
    await this.redis
      .multi()
      .hset(key, String(index), JSON.stringify(record))
      .expire(key, this.ttlSeconds)
      .exec();
  }

  /** The backend provably did not take the file: a later attempt sends it without checking. */
  async forget(inboundId: string, index: number): Promise<void> {
    await this.redis.hdel(this.keys.upload(inboundId), String(index));
  }

  /** The job's final message was posted: a job retaken later posts nothing again. */
  async markDone(inboundId: string): Promise<void> {
    const key = this.keys.upload(inboundId);
    await this.redis.multi().hset(key, DONE, "1").expire(key, this.ttlSeconds).exec();
  }

  async isDone(inboundId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.upload(inboundId), DONE)) === 1;
  }
}
