import { type ConversationRef, refKey } from "../../src/core/conversation/conversation-ref.js";
import type { Messenger } from "../../src/core/conversation/messenger.js";
import type { Reply } from "../../src/core/conversation/reply.js";
import type { RedisClient } from "../../src/redis/connect.js";
import { replyText } from "./recording-messenger.js";

interface Entry {
  op: "post" | "edit";
  id: string;
  thread: string;
  reply: Reply;
}

/** A Messenger that appends every post and edit to a Redis list, so several processes share one transcript. */
export class RedisTranscriptMessenger implements Messenger {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async post(ref: ConversationRef, reply: Reply): Promise<string> {
    const id = `m${await this.redis.incr(`${this.key}:ids`)}`;
    await this.redis.rpush(
      this.key,
      JSON.stringify({ op: "post", id, thread: refKey(ref), reply } satisfies Entry),
    );
    return id;
  }

  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    await this.redis.rpush(
      this.key,
      JSON.stringify({ op: "edit", id: messageId, thread: refKey(ref), reply } satisfies Entry),
    );
  }

  /** The latest version of each message of a thread, as text. */
  async transcript(ref: ConversationRef): Promise<string> {
    const latest = new Map<string, Reply>();
    for (const raw of await this.redis.lrange(this.key, 0, -1)) {
      const entry = JSON.parse(raw) as Entry;
      if (entry.thread === refKey(ref)) latest.set(entry.id, entry.reply);
    }
    return [...latest.values()].map(replyText).join("\n---\n");
  }
}
