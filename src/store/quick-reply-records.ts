import type { Lang } from "../core/conversation/language.js";
import type { QuickChoice } from "../core/conversation/quick-replies.js";
import type { Reply } from "../core/conversation/reply.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** Who took a choice: the clicker, the choice, and the click's event (a retried job recognises its own). */
export interface QuickReplyTaker {
  userId: string;
  index: number;
  inboundId: string;
}

/** An answer's quick replies: the thread they belong to, the choices, and the answer's message. */
export interface QuickReplyRecord {
  refKey: string;
  /** The language the answer was shown in (the "chosen" line is written in it). */
  lang: Lang;
  choices: QuickChoice[];
  /** The answer without its choices, to show it again with the one taken (absent: never edited). */
  reply?: Reply | undefined;
  /** The answer's message, once posted (absent: a platform surface the bot cannot edit later). */
  messageId?: string | undefined;
  /**
   * When the turn that asked was done (epoch ms, after its session's use was recorded): a later use of
   * the session means the conversation moved on and the question is no longer open.
   */
  settledAt?: number | undefined;
  taken?: QuickReplyTaker | undefined;
}

/**
 * The choices of answers, one small hash each (`{nemo}:quick:<record id>`), for a day: buttons carry
 * only `<record id>:<index>`, never the text. A choice is taken once (`HSETNX taken`): the first click
 * wins, whoever makes it; later clicks (and platform redeliveries) send nothing.
 */
export class QuickReplyRecords extends RedisStore {
  /** Keeps an answer's choices before the answer is posted (a turn run again keeps them again, `taken` stays). */
  async keep(
    recordId: string,
    record: Omit<QuickReplyRecord, "messageId" | "settledAt" | "taken">,
  ): Promise<void> {
    const key = this.keys.quickReplies(recordId);
    const fields: Record<string, string> = {
      refKey: record.refKey,
      lang: record.lang,
      choices: JSON.stringify(record.choices),
    };
    if (record.reply) fields.reply = JSON.stringify(record.reply);
    await this.redis.multi().hset(key, fields).expire(key, KEY_TTL_SECONDS.quickReplies).exec();
  }

  /** The turn that asked is done: its answer was posted as `messageId` (when known), at `settledAt`. */
  async settled(recordId: string, messageId: string | undefined, settledAt: number): Promise<void> {
    const key = this.keys.quickReplies(recordId);
    const fields: Record<string, string> = { settledAt: String(settledAt) };
    if (messageId) fields.messageId = messageId;
    await this.redis.multi().hset(key, fields).expire(key, KEY_TTL_SECONDS.quickReplies).exec();
  }

  async read(recordId: string): Promise<QuickReplyRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.quickReplies(recordId));
    if (!hash.refKey || !hash.choices) return undefined;
    return {
      refKey: hash.refKey,
      lang: hash.lang === "zh-CN" ? "zh-CN" : "en",
      choices: JSON.parse(hash.choices) as QuickChoice[],
      reply: hash.reply ? (JSON.parse(hash.reply) as Reply) : undefined,
      messageId: hash.messageId || undefined,
      settledAt: hash.settledAt ? Number(hash.settledAt) : undefined,
      taken: hash.taken ? (JSON.parse(hash.taken) as QuickReplyTaker) : undefined,
    };
  }

  /**
   * Takes one choice of the record for `taker`, atomically: resolves to whoever holds it now — `taker`
   * when this call (or an earlier run of the same click) won, else the first clicker.
   */
  async take(recordId: string, taker: QuickReplyTaker): Promise<QuickReplyTaker> {
    const key = this.keys.quickReplies(recordId);
    const [[, set], [, held]] = (await this.redis
      .multi()
      .hsetnx(key, "taken", JSON.stringify(taker))
      .hget(key, "taken")
      // Never a key without a TTL, even when the record expired just before the click.
      .expire(key, KEY_TTL_SECONDS.quickReplies)
      .exec()) as [[null, number], [null, string], unknown];
    return set === 1 ? taker : (JSON.parse(held) as QuickReplyTaker);
  }
}
