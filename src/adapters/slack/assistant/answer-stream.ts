import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import type { SlackMessage } from "../render/render-blocks.js";
import { slackErrorCode } from "../web-api/api-errors.js";

/** Where and for whom the answer streams. */
export interface AnswerStreamTarget {
  channel: string;
  threadTs: string;
  team?: string | undefined;
  user?: string | undefined;
}

/** Slack ends a stream after about five minutes; later appends answer this. */
const EXPIRED = "message_not_in_streaming_state";

/**
 * One answer streamed into a thread with `chat.startStream` / `appendStream` / `stopStream`. Text given
 * while a call is under way is sent with the next call (one call at a time, nothing lost or repeated).
 * When Slack has closed the stream (its ~5-minute lifetime), the message is carried on with
 * `chat.update` of the whole text shown so far plus what is new: the same message, no text twice.
 */
export class AnswerStream {
  private ts: string | undefined;
  /** Text Slack has accepted. */
  private shown = "";
  /** Text not sent yet. */
  private pending = "";
  private mode: "stream" | "update" = "stream";
  private chain: Promise<void> = Promise.resolve();
  private failed = false;
  /** Why the stream could not start (a Web API error), for feature detection. */
  startError: unknown;

  constructor(
    private readonly client: WebClient,
    private readonly target: AnswerStreamTarget,
    private readonly logger: Logger,
  ) {}

  /** The streamed message's ts, once started. */
  get messageTs(): string | undefined {
    return this.ts;
  }

  /** Whether the stream could not start (nothing was shown: the answer must be posted as usual). */
  get unusable(): boolean {
    return this.failed && this.ts === undefined;
  }

  append(more: string): void {
    if (!more) return;
    this.pending += more;
    this.chain = this.chain.then(() => this.flush());
  }

  /**
   * Sends what is left and ends the stream with `final`'s blocks (buttons, feedback); resolves the
   * message ts, or undefined when the stream never started.
   */
  async stop(final: SlackMessage): Promise<string | undefined> {
    await this.chain;
    await this.flush();
    if (!this.ts) return undefined;
    const ts = this.ts;
    if (this.mode === "stream" && !this.pending) {
      try {
        await this.client.chat.stopStream({ channel: this.target.channel, ts, blocks: final.blocks });
        return ts;
      } catch (error) {
        this.logger.info({ code: slackErrorCode(error) }, "slack-stream-stop-failed");
      }
    }
    // The whole answer replaces whatever the stream showed (it holds everything that was streamed).
    await this.client.chat.update({
      channel: this.target.channel,
      ts,
      text: final.text,
      blocks: final.blocks,
    });
    return ts;
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    if (!chunk || this.unusable) return;
    try {
      if (!this.ts) {
        const started = await this.client.chat.startStream({
          channel: this.target.channel,
          thread_ts: this.target.threadTs,
          markdown_text: chunk,
          ...(this.target.team ? { recipient_team_id: this.target.team } : {}),
          ...(this.target.user ? { recipient_user_id: this.target.user } : {}),
        });
        if (!started.ts) throw new Error("chat.startStream returned no ts");
        this.ts = started.ts;
      } else if (this.mode === "stream") {
        try {
          await this.client.chat.appendStream({
            channel: this.target.channel,
            ts: this.ts,
            markdown_text: chunk,
          });
        } catch (error) {
          if (slackErrorCode(error) !== EXPIRED) throw error;
          // The stream's lifetime is over: this chunk was not shown; the same message goes on by edits.
          this.logger.info({ ts: this.ts, shown: this.shown.length }, "slack-stream-expired");
          this.mode = "update";
          await this.update(chunk);
        }
      } else {
        await this.update(chunk);
      }
      this.shown += chunk;
      this.pending = this.pending.slice(chunk.length);
    } catch (error) {
      // Kept pending: the next call (or `stop`) sends it. A stream that never started is given up.
      if (!this.ts) {
        this.failed = true;
        this.startError = error;
      }
      this.logger.warn({ err: String(error), code: slackErrorCode(error) }, "slack-stream-call-failed");
    }
  }

  private async update(chunk: string): Promise<void> {
    await this.client.chat.update({
      channel: this.target.channel,
      ts: this.ts!,
      text: this.shown + chunk,
      mrkdwn: true,
    } as Parameters<WebClient["chat"]["update"]>[0]);
  }
}
