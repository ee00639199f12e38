import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { LruMap } from "../common/lru-map.js";
import { errorText } from "../web-api/api-errors.js";

const OWNED_TTL_MS = 24 * 3_600_000;
const NOT_OWNED_TTL_MS = 10 * 60_000;
/** Threads remembered by default (a single workspace); a distributed app's scopes pass fewer each. */
const MAX_ENTRIES = 10_000;

/**
 * Which threads the bot takes plain replies (without a mention) in. Stateless rule — nothing to store,
 * so it holds across restarts and processes:
 *
 * the bot owns a thread when its parent message was posted by the bot (`parent_user_id` on the reply
 * event equals the bot user — every `/nemo` conversation), or when the parent message mentions the bot
 * (a conversation started with `@Nemo …` in a channel).
 *
 * The second case needs the parent's text: it is read once with `conversations.replies` (the
 * `*:history` scopes) and the answer is cached in memory; threads the adapter itself saw start are
 * remembered without a call.
 */
export class ThreadOwnership {
  private readonly known: LruMap<string, { owned: boolean; expires: number }>;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    maxEntries = MAX_ENTRIES,
  ) {
    this.known = new LruMap(maxEntries);
  }

  /** The bot started (or was mentioned at the start of) this thread. */
  remember(channel: string, threadTs: string): void {
    this.set(`${channel}:${threadTs}`, true, OWNED_TTL_MS);
  }

  /** Whether a plain reply in the thread `threadTs` of `channel` is for the bot. */
  async owns(
    channel: string,
    threadTs: string,
    parentUserId: string | undefined,
    botUserId: string,
  ): Promise<boolean> {
    if (parentUserId !== undefined && parentUserId === botUserId) return true;
    const key = `${channel}:${threadTs}`;
    const cached = this.known.get(key);
    if (cached && cached.expires > Date.now()) return cached.owned;
    try {
      const result = await this.client.conversations.replies({
        channel,
        ts: threadTs,
        limit: 1,
        inclusive: true,
      });
      const parent = result.messages?.[0];
      const owned = parent?.user === botUserId || (parent?.text ?? "").includes(`<@${botUserId}`);
      this.set(key, owned, owned ? OWNED_TTL_MS : NOT_OWNED_TTL_MS);
      return owned;
    } catch (error) {
      this.logger.info({ channel, thread: threadTs, err: errorText(error) }, "slack-thread-lookup-failed");
      return false;
    }
  }

  private set(key: string, owned: boolean, ttlMs: number): void {
    this.known.set(key, { owned, expires: Date.now() + ttlMs });
  }
}
