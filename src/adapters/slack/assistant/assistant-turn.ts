import type { WebClient } from "@slack/web-api";
import type { LiveTurn, LiveTurnInfo } from "../../../core/conversation/messenger.js";
import type { Reply } from "../../../core/conversation/reply.js";
import type { Logger } from "../../../core/logger.js";
import { renderSlackReply, type SlackMessage } from "../render/render-blocks.js";
import { slackErrorCode } from "../web-api/api-errors.js";
import { AnswerStream } from "./answer-stream.js";
import type { AssistantSupport } from "./assistant-support.js";

/** Where the turn runs: a thread of the app's DM (the AI-app container lives there). */
export interface AssistantThread {
  team: string;
  channel: string;
  threadTs: string;
}

/** `action_id` of the 👍/👎 buttons under a streamed answer. */
export const FEEDBACK_ACTION_ID = "nemo_feedback";

/** Characters of a thread title. */
const TITLE_MAX = 80;

/**
 * A turn in Slack's AI-app container: the thread's status shows what the bot does while the turn runs
 * (cleared at the end), the first prompt titles the thread, and the backend's text streams into one
 * message that ends as the answer with its buttons and 👍/👎 feedback, replacing the progress message.
 * The first status call tells whether the container is there: refused → nothing more is tried and the
 * turn is delivered as everywhere else.
 */
export class SlackLiveTurn implements LiveTurn {
  private chain: Promise<void> = Promise.resolve();
  /** Known after the first status call. */
  private on: boolean | undefined;
  private stream: AnswerStream | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly support: AssistantSupport,
    private readonly thread: AssistantThread,
    private readonly info: LiveTurnInfo,
    private readonly logger: Logger,
  ) {}

  status(label: string): void {
    this.enqueue(async () => {
      if (this.on === false) return;
      const first = this.on === undefined;
      if (!(await this.setStatus(label))) return;
      if (first && this.info.firstInThread && this.info.prompt.trim()) await this.setTitle();
    });
  }

  text(more: string): void {
    this.enqueue(async () => {
      if (this.on !== true) return;
      this.stream ??= new AnswerStream(
        this.client,
        { ...this.thread, ...(this.info.userId ? { user: this.info.userId } : {}) },
        this.logger,
      );
      this.stream.append(more);
    });
  }

  async finish(final: Reply | undefined, replacing: string | undefined): Promise<boolean> {
    await this.chain;
    const stream = this.stream;
    let streamed = false;
    if (final && stream && !stream.unusable) {
      const [first, ...rest] = renderSlackReply(final);
      const messages = [first!, ...rest];
      const last = messages[messages.length - 1]!;
      messages[messages.length - 1] = withFeedback(last);
      streamed = (await stream.stop(messages[0]!)) !== undefined;
      for (const message of messages.slice(1)) {
        await this.client.chat.postMessage({
          channel: this.thread.channel,
          thread_ts: this.thread.threadTs,
          text: message.text,
          blocks: message.blocks as never,
        });
      }
      if (stream.startError) this.support.refused(this.thread.team, stream.startError);
    }
    if (streamed && replacing) {
      await this.client.chat
        .delete({ channel: this.thread.channel, ts: replacing })
        .catch((error: unknown) =>
          this.logger.info({ code: slackErrorCode(error) }, "slack-progress-delete-failed"),
        );
    }
    if (this.on) await this.setStatus("");
    return streamed;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.logger.info({ err: String(error) }, "slack-assistant-step-failed");
    });
  }

  /** `assistant.threads.setStatus`; false (and off for the workspace) when the container is missing. */
  private async setStatus(status: string): Promise<boolean> {
    try {
      await this.client.assistant.threads.setStatus({
        channel_id: this.thread.channel,
        thread_ts: this.thread.threadTs,
        status,
      });
      this.on = true;
      this.support.markOn(this.thread.team);
      return true;
    } catch (error) {
      if (this.support.refused(this.thread.team, error) || this.on === undefined) this.on = false;
      this.logger.info({ code: slackErrorCode(error) }, "slack-assistant-status-failed");
      return false;
    }
  }

  private async setTitle(): Promise<void> {
    const title = this.info.prompt.trim().replace(/\s+/g, " ");
    await this.client.assistant.threads.setTitle({
      channel_id: this.thread.channel,
      thread_ts: this.thread.threadTs,
      title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    });
  }
}

/** The answer's last message with Slack's 👍/👎 feedback buttons under it. */
function withFeedback(message: SlackMessage): SlackMessage {
  const feedback = {
    type: "context_actions",
    elements: [
      {
        type: "feedback_buttons",
        action_id: FEEDBACK_ACTION_ID,
        positive_button: {
          text: { type: "plain_text", text: "👍" },
          value: "good",
          accessibility_label: "Good answer",
        },
        negative_button: {
          text: { type: "plain_text", text: "👎" },
          value: "bad",
          accessibility_label: "Bad answer",
        },
      },
    ],
  };
  return { ...message, blocks: [...message.blocks, feedback as never] };
}
