import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** What a turn's stream has said so far, kept in Redis as it arrives so a takeover loses none of it. */
export interface PartialAnswer {
  /** The backend's text so far (already capped). */
  text: string;
  /** The stream ended: this is the whole answer, only its delivery is missing. */
  ended: boolean;
  /** A tool ran during the stream (the state may change: recovery reads it). */
  tools: boolean;
  /** The text reached the answer cap and was cut. */
  cut: boolean;
  rawVideoReported: boolean;
  postProduction: boolean;
}

/** `{prefix}:partial:<inboundId>`: written at the progress-edit cadence, deleted once delivered. */
export class PartialAnswers extends RedisStore {
  async save(inboundId: string, answer: PartialAnswer): Promise<void> {
    await this.redis.set(this.keys.partial(inboundId), JSON.stringify(answer), "EX", KEY_TTL_SECONDS.partial);
  }

  async read(inboundId: string): Promise<PartialAnswer | undefined> {
    const raw = await this.text(this.keys.partial(inboundId));
    return raw ? (JSON.parse(raw) as PartialAnswer) : undefined;
  }

  async clear(inboundId: string): Promise<void> {
    await this.redis.del(this.keys.partial(inboundId));
  }
}
