import type { WebClient } from "@slack/web-api";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Messenger } from "../../core/conversation/messenger.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Logger } from "../../core/logger.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import { renderSlackReply, type SlackMessage } from "./render-blocks.js";
import { SlackMessengerError } from "./slack-messenger-error.js";
import { type SlackTarget, slackTarget } from "./slack-ref.js";
import { UserDirectory } from "./user-locale.js";
import { createWebClient } from "./web-client.js";

/** Settings of {@link createSlackMessenger}. */
export interface SlackMessengerConfig {
  /** `SLACK_BOT_TOKEN` (`xoxb-…`). */
  botToken: string;
  /** `SLACK_API_URL`: the Web API base; Slack's own when unset. */
  apiUrl?: string | undefined;
  logger: Logger;
}

/** Prefix of the message ids of ephemeral posts, which Slack cannot edit. */
const EPHEMERAL_ID = "ephemeral:";

/** A rate-limited call is retried once when Slack asks to wait at most this long; else it rejects. */
const MAX_RATE_LIMIT_WAIT_S = 5;

/**
 * The Slack `Messenger`: REST only (`@slack/web-api`), so any worker process can deliver. Every reply
 * goes into the conversation's thread (`thread_ts` = the ref's thread; none for a DM's own
 * conversation). Edits are `chat.update`; a refused call rejects, and the core then posts anew.
 */
export function createSlackMessenger(config: SlackMessengerConfig): Messenger {
  return new SlackMessenger(createWebClient(config.botToken, config), config.logger);
}

class SlackMessenger implements Messenger {
  private readonly users: UserDirectory;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {
    this.users = new UserDirectory(client, logger);
  }

  /** A `/nemo` conversation: the parent message "🎬 @user: prompt" in the channel; its thread is the conversation. */
  async startThread(
    ref: ConversationRef,
    opener: { userId: string; text: string },
  ): Promise<ConversationRef> {
    const result = await this.call(() =>
      this.client.chat.postMessage({
        channel: ref.channel,
        text: `🎬 <@${opener.userId}>: ${escapeMrkdwn(opener.text)}`,
        unfurl_links: false,
        unfurl_media: false,
      }),
    ).catch((error: unknown) => {
      // Slack refused (not_in_channel, channel_not_found, is_archived…): trying again will not help.
      if ((error as { code?: unknown }).code === "slack_webapi_platform_error") {
        throw Object.assign(new SlackMessengerError((error as Error).message), { permanent: true });
      }
      throw error;
    });
    if (!result.ts) throw new SlackMessengerError("chat.postMessage returned no ts");
    return { ...ref, thread: result.ts };
  }

  /** An ephemeral answer through a command's `response_url` (works where the bot is no member). */
  async postPrivately(address: string, reply: Reply): Promise<void> {
    const [first] = renderSlackReply(reply);
    const response = await fetch(address, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", text: first!.text, blocks: first!.blocks }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new SlackMessengerError(`response_url answered HTTP ${response.status}`);
  }

  /** `users.info` (cached): Slack's events carry no locale. */
  lookupUser(_ref: ConversationRef, userId: string) {
    return this.users.lookup(userId);
  }

  async post(ref: ConversationRef, reply: Reply): Promise<string> {
    const target = slackTarget(ref);
    const [first, ...rest] = renderSlackReply(reply);
    const id = await this.send(target, first!);
    for (const message of rest) await this.send(target, message);
    return id;
  }

  /**
   * Replaces the message with the reply's first Slack message; when the reply grew past one message,
   * the rest is posted after it in the thread.
   */
  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    const target = slackTarget(ref);
    if (messageId.startsWith(EPHEMERAL_ID))
      throw new SlackMessengerError("ephemeral messages cannot be edited");
    const [first, ...rest] = renderSlackReply(reply);
    await this.call(() =>
      this.client.chat.update({
        channel: target.channel,
        ts: messageId,
        text: first!.text,
        blocks: first!.blocks,
      }),
    );
    for (const message of rest) await this.send(target, message);
  }

  private async send(target: SlackTarget, message: SlackMessage): Promise<string> {
    if (target.ephemeralUser) {
      const user = target.ephemeralUser;
      const result = await this.call(() =>
        this.client.chat.postEphemeral({
          channel: target.channel,
          user,
          text: message.text,
          blocks: message.blocks,
        }),
      );
      return `${EPHEMERAL_ID}${result.message_ts ?? ""}`;
    }
    const result = await this.call(() =>
      this.client.chat.postMessage({
        channel: target.channel,
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.ts) throw new SlackMessengerError("chat.postMessage returned no ts");
    return result.ts;
  }

  /**
   * Runs a Web API call; a rate-limited one (HTTP 429: nothing was delivered) is retried once after
   * Slack's `Retry-After` when that is short. Any other failure rejects at once and the core decides
   * (outbox retry for a post, a new message for a failed edit).
   */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const { code, retryAfter } = error as { code?: unknown; retryAfter?: unknown };
      if (code !== "slack_webapi_rate_limited_error" || typeof retryAfter !== "number") throw error;
      if (retryAfter > MAX_RATE_LIMIT_WAIT_S) throw error;
      this.logger.info({ retryAfter }, "slack-rate-limited-retrying");
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      return run();
    }
  }
}
