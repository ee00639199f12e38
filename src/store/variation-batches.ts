import { createHash } from "node:crypto";
import type { GenerationSettings } from "../core/conversation/generation-settings.js";
import type { Lang } from "../core/conversation/language.js";
import { KEY_TTL_SECONDS } from "./keys.js";
import { RedisStore } from "./redis-store.js";

/** What a generated result's 🎲 Variations button needs: the prompt it was generated from, and where. */
export interface VariationSource {
  /** The member's message that generated the result (sent again, once per variation). */
  prompt: string;
  refKey: string;
  /** Who sent it. */
  userId?: string | undefined;
  /** Backend session language of the new sessions. */
  language: string;
}

/** The prompts of generated results, by the inbound id of the message that generated them. */
export class VariationSources extends RedisStore {
  async keep(inboundId: string, source: VariationSource): Promise<void> {
    const key = this.keys.variationSource(inboundId);
    await this.redis.set(key, JSON.stringify(source), "EX", KEY_TTL_SECONDS.variationSource);
  }

  async read(inboundId: string): Promise<VariationSource | undefined> {
    const raw = await this.text(this.keys.variationSource(inboundId));
    return raw ? (JSON.parse(raw) as VariationSource) : undefined;
  }
}

/** One variation's outcome: its video, or that it failed (nothing is sent again). */
export type VariationResult = { ok: true; url: string } | { ok: false };

/** A batch as asked: one confirmation for all of it. */
export interface VariationAsk extends VariationSource {
  /** The inbound id of the source message. */
  source: string;
  /** How many variations (the place's setting when asked). */
  count: number;
  /** Who clicked 🎲: the only one whose Confirm starts it. */
  by: string;
  /** The language of the bot's words in the batch's messages. */
  lang: Lang;
  /** The source sender's settings when asked: every variation is made with these. */
  settings?: GenerationSettings | undefined;
}

/** A batch as read back. */
export interface VariationBatch extends VariationAsk {
  id: string;
  /** Set by the Confirm (or Cancel) that claimed the batch: `<inbound id>` or `cancel:<inbound id>`. */
  claimedBy?: string | undefined;
  /** The generations were counted against the quotas. */
  counted: boolean;
  /** Session (and task) of each variation, by number 1…count, written before any `/run_sse` leaves. */
  sessions: Map<number, { sessionId: string; taskId: string }>;
  results: Map<number, VariationResult>;
  /** The batch's one progress message. */
  progressId?: string | undefined;
  /** The gallery was claimed for posting (posted at most once). */
  gallery: boolean;
  /** The thread's account the sessions belong to (`<platform>:<user>`; none: the bot's). */
  account?: string | undefined;
}

/** The id of the batch a 🎲 click asks for: short (it goes into button ids), the same for a redelivery. */
export function batchIdOf(clickId: string): string {
  return `v${createHash("sha1").update(clickId).digest("hex").slice(0, 12)}`;
}

/**
 * Variations batches, one hash each (`keys.variationBatch`): the source and count, who asked, the
 * claim of the one Confirm, the sessions (before anything is sent to them), each result, the progress
 * message and the gallery's claim. Every write renews the batch's TTL.
 */
export class VariationBatches extends RedisStore {
  /** Records a batch as asked (a redelivered click finds it there: false, nothing is asked twice). */
  async ask(id: string, ask: VariationAsk): Promise<boolean> {
    const key = this.keys.variationBatch(id);
    const [[, set]] = (await this.redis
      .multi()
      .hsetnx(key, "ask", JSON.stringify(ask))
      .expire(key, KEY_TTL_SECONDS.variationBatch)
      .exec()) as [[unknown, number], unknown];
    return set === 1;
  }

  async read(id: string): Promise<VariationBatch | undefined> {
    const raw = await this.redis.hgetall(this.keys.variationBatch(id));
    if (!raw.ask) return undefined;
    const batch: VariationBatch = {
      ...(JSON.parse(raw.ask) as VariationAsk),
      id,
      claimedBy: raw.claimed,
      counted: raw.counted === "1",
      sessions: new Map(),
      results: new Map(),
      progressId: raw.progress,
      gallery: raw.gallery !== undefined,
      account: raw.account || undefined,
    };
    for (const [field, value] of Object.entries(raw)) {
      const match = /^([sr]):(\d+)$/.exec(field);
      if (!match) continue;
      const n = Number(match[2]);
      if (match[1] === "s") batch.sessions.set(n, JSON.parse(value) as { sessionId: string; taskId: string });
      else batch.results.set(n, JSON.parse(value) as VariationResult);
    }
    return batch;
  }

  /**
   * Claims the batch for one answer (a Confirm's inbound id, or `cancel:<id>`): true for the first claim
   * and for the same claimer again (its job retried); false for anyone after.
   */
  async claim(id: string, by: string): Promise<boolean> {
    const key = this.keys.variationBatch(id);
    if ((await this.redis.hsetnx(key, "claimed", by)) === 1) return true;
    return (await this.redis.hget(key, "claimed")) === by;
  }

  /** Gives a claim back (the quotas refused: nothing started, the Confirm may be pressed again later). */
  async unclaim(id: string): Promise<void> {
    await this.redis.hdel(this.keys.variationBatch(id), "claimed");
  }

  /** Marks the generations counted (a retried Confirm does not count them again). */
  async markCounted(id: string): Promise<void> {
    await this.write(id, { counted: "1" });
  }

  /** The account the batch's sessions use (empty: the bot's). */
  async setAccount(id: string, account: string | undefined): Promise<void> {
    await this.write(id, { account: account ?? "" });
  }

  /** Variation `n`'s session, first write wins (a retried Confirm keeps the sessions it made). */
  async setSession(id: string, n: number, session: { sessionId: string; taskId: string }): Promise<void> {
    await this.redis.hsetnx(this.keys.variationBatch(id), `s:${n}`, JSON.stringify(session));
  }

  async setProgress(id: string, messageId: string): Promise<void> {
    await this.write(id, { progress: messageId });
  }

  /** Variation `n`'s outcome, first write wins; resolves to how many variations have one now. */
  async setResult(id: string, n: number, result: VariationResult): Promise<number> {
    const key = this.keys.variationBatch(id);
    await this.redis.hsetnx(key, `r:${n}`, JSON.stringify(result));
    const fields = await this.redis.hkeys(key);
    return fields.filter((field) => field.startsWith("r:")).length;
  }

  /** When variation `n` first waited for a running slot (epoch ms; the first call sets it). */
  async waitingSince(id: string, n: number): Promise<number> {
    const key = this.keys.variationBatch(id);
    await this.redis.hsetnx(key, `w:${n}`, String(Date.now()));
    return Number(await this.redis.hget(key, `w:${n}`));
  }

  /** Claims posting the gallery: true once. */
  async claimGallery(id: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.variationBatch(id), "gallery", String(Date.now()))) === 1;
  }

  private async write(id: string, fields: Record<string, string>): Promise<void> {
    const key = this.keys.variationBatch(id);
    await this.redis.multi().hset(key, fields).expire(key, KEY_TTL_SECONDS.variationBatch).exec();
  }
}
