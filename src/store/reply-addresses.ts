import { replyOwner } from "../core/sealed-kinds.js";
import type { SecretBox } from "../core/secret-box.js";
import type { RedisClient } from "../redis/connect.js";
import { KEY_TTL_SECONDS, type Keys } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/**
 * The private reply address of a command (Discord's interaction token, Slack's `response_url`): a
 * credential, so it never rides in job data (kept for days, shown on the queue board). The intake keeps
 * it here, sealed with `SECRETS_KEY` and bound to its event, for an hour (Discord's token dies after 15
 * minutes, a `response_url` after 30); the job carries only the event id it is kept under. Without a key
 * it is kept in the clear, for that hour only.
 */
export class ReplyAddresses extends RedisStore {
  constructor(
    redis: RedisClient,
    keys: Keys,
    private readonly box: SecretBox | undefined,
  ) {
    super(redis, keys);
  }

  async keep(inboundId: string, address: string): Promise<void> {
    const value = this.box ? this.box.seal(address, replyOwner(inboundId)) : address;
    await this.redis.set(this.keys.replyAddress(inboundId), value, "EX", KEY_TTL_SECONDS.replyAddress);
  }

  /** The address kept for the event; undefined when it expired or no configured key opens it. */
  async read(inboundId: string): Promise<string | undefined> {
    const value = await this.text(this.keys.replyAddress(inboundId));
    if (value === undefined || !this.box) return value;
    return this.box.open(value, replyOwner(inboundId), "reply-address");
  }
}
