import { type UsersInfoResponse, WebClient, WebClientEvent } from "@slack/web-api";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import { DeliveryError } from "../../../core/conversation/delivery-error.js";
import type {
  LiveTurn,
  LiveTurnInfo,
  Messenger,
  PartMessenger,
} from "../../../core/conversation/messenger.js";
import type { Reply } from "../../../core/conversation/reply.js";
import type { Logger } from "../../../core/logger.js";
import type { MediaUrlPolicy } from "../../../core/media-url.js";
import { AssistantSupport } from "../assistant/assistant-support.js";
import { SlackLiveTurn } from "../assistant/assistant-turn.js";
import { isDirectMessageChannel, type SlackTarget, slackRef, slackTarget } from "../common/slack-ref.js";
import { slackThreadLink } from "../common/thread-link.js";
import { escapeMrkdwn, mrkdwnLink } from "../render/mrkdwn.js";
import { renderSlackReply, type SlackMessage, type SlackVideo } from "../render/render-blocks.js";
import { isPlatformError, isRequestError, slackErrorCode } from "../web-api/api-errors.js";
import { asMemberOf, UserDirectory, type UsersInfoClient } from "../web-api/user-directory.js";
import { messengerClientOptions, rateLimitRetryAfterS, slackApiUrl } from "../web-api/web-client.js";
import { SlackMessengerError } from "./slack-messenger-error.js";
import { SlackWriter } from "./slack-writer.js";
import { formatBytes, openVideo, uploadVideo } from "./video-upload.js";

/** Settings of {@link createSlackMessenger}. */
export interface SlackMessengerConfig {
  /** `SLACK_BOT_TOKEN` (`xoxb-…`). */
  botToken: string;
  /** `SLACK_API_URL`: the Web API base; Slack's own when unset. */
  apiUrl?: string | undefined;
  /** A `Retry-After` up to this long is waited out in place; a longer one rejects `RATE_LIMITED`. */
  maxRateLimitWaitMs?: number | undefined;
  /** `SLACK_MAX_UPLOAD_MB` in bytes: a finished video up to this size is uploaded into the thread. */
  maxUploadBytes?: number | undefined;
  /** Users whose locale and name are cached (default 5,000). */
  maxUsers?: number | undefined;
  /** Where finished videos may be downloaded from (`NEMO_MEDIA_HOSTS` and the backend's sites); unset: https or loopback, any host. */
  media?: MediaUrlPolicy | undefined;
  logger: Logger;
}

/** Default of {@link SlackMessengerConfig.maxUploadBytes} (100 MB). */
const DEFAULT_MAX_UPLOAD_BYTES = 100_000_000;

/** Default of {@link SlackMessengerConfig.maxRateLimitWaitMs}. */
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** Prefix of the message ids of ephemeral posts, which Slack cannot edit. */
const EPHEMERAL_ID = "ephemeral:";

/** `chat.update` errors after which the message can never be edited: post a new one instead. */
const MESSAGE_GONE_ERRORS = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

/**
 * The Slack `Messenger`: REST only (`@slack/web-api`), so any worker process can deliver. Every reply
 * goes into the conversation's thread (`thread_ts` = the ref's thread; none for a DM's own
 * conversation). Edits are `chat.update`. A rate limit is waited out by the client as long as Slack's
 * `Retry-After` says (up to `maxRateLimitWaitMs`, else `RATE_LIMITED`); an edit of a message that can
 * never be edited again rejects `MESSAGE_GONE`, and the core then posts anew.
 */
export function createSlackMessenger(config: SlackMessengerConfig): Messenger {
  const maxRateLimitWaitMs = config.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
  const client = new WebClient(
    config.botToken,
    messengerClientOptions({ apiUrl: config.apiUrl, logger: config.logger, maxRateLimitWaitMs }),
  );
  client.on(WebClientEvent.RATE_LIMITED, (retryAfterS: number, { url }: { url: string }) =>
    config.logger.info({ retryAfterS, method: url.split("/").pop() }, "slack-rate-limited-waiting"),
  );
  const writer = new SlackWriter({
    token: config.botToken,
    apiUrl: slackApiUrl(config.apiUrl) ?? "https://slack.com/api/",
    maxRateLimitWaitMs,
    logger: config.logger,
  });
  return new SlackMessenger(
    client,
    writer,
    config.logger,
    config.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    config.maxUsers,
    config.media ?? {},
  );
}

class SlackMessenger implements Messenger {
  readonly parts: PartMessenger = {
    render: (reply) => renderSlackReply(reply),
    post: (ref, part) => this.send(slackTarget(ref), part as SlackMessage),
    edit: (ref, messageId, part) => this.update(slackTarget(ref), messageId, part as SlackMessage),
  };

  private readonly users: UserDirectory;
  private readonly assistant = new AssistantSupport();

  constructor(
    private readonly client: WebClient,
    private readonly writer: SlackWriter,
    private readonly logger: Logger,
    private readonly maxUploadBytes: number,
    maxUsers: number | undefined,
    private readonly media: MediaUrlPolicy,
  ) {
    const users: UsersInfoClient = {
      users: {
        info: (args) => writer.call("users.info", args, "form") as Promise<UsersInfoResponse>,
      },
    };
    this.users = new UserDirectory(users, logger, maxUsers === undefined ? {} : { maxEntries: maxUsers });
  }

  /** The bot token this messenger posts with, for the workspace's private files (files.slack.com). */
  async fileAuthorization(): Promise<string | undefined> {
    return this.client.token ? `Bearer ${this.client.token}` : undefined;
  }

  /** A `/nemo` conversation: the parent message "🎬 @user: prompt" in the channel; its thread is the conversation. */
  async startThread(
    ref: ConversationRef,
    opener: { userId: string; text: string },
  ): Promise<ConversationRef> {
    const result = await this.client.chat
      .postMessage({
        channel: ref.channel,
        text: `🎬 <@${opener.userId}>: ${escapeMrkdwn(opener.text)}`,
        unfurl_links: false,
        unfurl_media: false,
      })
      .catch((error: unknown) => {
        // Slack refused (not_in_channel, channel_not_found, is_archived…): trying again will not help.
        if (isPlatformError(error)) {
          throw Object.assign(new SlackMessengerError(error.message), { permanent: true });
        }
        throw error;
      });
    if (!result.ts) throw new SlackMessengerError("chat.postMessage returned no ts");
    return { ...ref, thread: result.ts };
  }

  /** Continue anywhere: the link of a thread, for the notes of a moved project. */
  threadLink(ref: ConversationRef): string {
    return slackThreadLink(ref);
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

  /** In a thread of the app's DM, Slack's AI-app container (detected per workspace; see `assistant-turn.ts`). */
  liveTurn(ref: ConversationRef, info: LiveTurnInfo): LiveTurn | undefined {
    const target = slackTarget(ref);
    if (!target.threadTs || target.ephemeralUser || !isDirectMessageChannel(target.channel)) return undefined;
    if (!this.assistant.usable(ref.workspace)) return undefined;
    const thread = { team: ref.workspace, channel: target.channel, threadTs: target.threadTs };
    return new SlackLiveTurn(this.client, this.assistant, thread, info, this.logger);
  }

  /** A note in the thread only `userId` sees (`chat.postEphemeral` with the thread's `thread_ts`). */
  async postEphemeral(ref: ConversationRef, userId: string, reply: Reply): Promise<void> {
    const target = slackTarget(ref);
    const [first] = renderSlackReply(reply);
    await call(() =>
      this.writer.call("chat.postEphemeral", {
        channel: target.channel,
        user: target.ephemeralUser ?? userId,
        thread_ts: target.threadTs,
        text: first!.text,
        blocks: first!.blocks,
      }),
    );
  }

  /** A message in the user's DM with the app (its Messages tab): `chat.postMessage` to the user id. */
  async postDirect(_ref: ConversationRef, userId: string, reply: Reply): Promise<void> {
    for (const message of renderSlackReply({ ...reply, video: undefined })) {
      await this.postOne({ channel: userId }, message);
    }
  }

  /**
   * Private mode: `opener` posted in the user's DM with the app (`chat.postMessage` to the user id), and
   * that DM (its `D…` channel, as Slack answered) as a conversation of its own.
   */
  async openDirect(ref: ConversationRef, userId: string, opener: Reply): Promise<ConversationRef> {
    const [first] = renderSlackReply({ ...opener, video: undefined });
    const result = await call(() =>
      this.client.chat.postMessage({
        channel: userId,
        text: first!.text,
        blocks: first!.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.channel) throw new SlackMessengerError("chat.postMessage returned no channel");
    return slackRef(ref.workspace, result.channel, result.channel);
  }

  /** `users.info` (cached): Slack's events carry no locale; an admin only of their own (this) workspace. */
  async lookupUser(ref: ConversationRef, userId: string) {
    return asMemberOf(await this.users.lookup(userId), ref.workspace);
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
   * the rest is posted after it in the thread. (The outbox edits later parts in place instead.)
   */
  async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
    const target = slackTarget(ref);
    const [first, ...rest] = renderSlackReply(reply);
    await this.update(target, messageId, first!);
    for (const message of rest) await this.send(target, message);
  }

  private async update(target: SlackTarget, messageId: string, message: SlackMessage): Promise<void> {
    if (messageId.startsWith(EPHEMERAL_ID))
      throw new DeliveryError("MESSAGE_GONE", "ephemeral messages cannot be edited");
    await this.withVideo(target, message, (shown) => this.write(target, messageId, shown));
  }

  /**
   * Writes a message that may carry a finished video: when the MP4 fits `maxUploadBytes`, the message is
   * written and the file then streamed into the thread (it plays inline there); otherwise the message
   * gets a line with the link and the size.
   */
  private async withVideo<T>(
    target: SlackTarget,
    message: SlackMessage,
    write: (message: SlackMessage) => Promise<T>,
  ): Promise<T> {
    const video = message.video;
    if (!video || target.ephemeralUser) return write(message);
    const source = await openVideo(video, this.logger, this.media);
    const size = source?.size ?? video.sizeBytes;
    if (!source || source.size === undefined || source.size > this.maxUploadBytes) {
      source?.discard();
      this.logger.info({ size, max: this.maxUploadBytes }, "slack-video-linked");
      return write(withVideoLine(message, video, size, this.maxUploadBytes));
    }
    const written = await write(message);
    try {
      const file = await uploadVideo(this.client, target, video, { ...source, size: source.size });
      this.logger.info({ file, size: source.size }, "slack-video-uploaded");
    } catch (error) {
      // The message already carries the link: the video stays one tap away.
      source.discard();
      this.logger.warn({ err: String(error) }, "slack-video-upload-failed");
    }
    return written;
  }

  private async write(target: SlackTarget, messageId: string, message: SlackMessage): Promise<void> {
    await call(() =>
      this.writer.call("chat.update", {
        channel: target.channel,
        ts: messageId,
        text: message.text,
        blocks: message.blocks,
      }),
    );
  }

  private send(target: SlackTarget, message: SlackMessage): Promise<string> {
    return this.withVideo(target, message, (shown) => this.postOne(target, shown));
  }

  private async postOne(target: SlackTarget, message: SlackMessage): Promise<string> {
    if (target.ephemeralUser) {
      const user = target.ephemeralUser;
      const result = await call(() =>
        this.writer.call("chat.postEphemeral", {
          channel: target.channel,
          user,
          text: message.text,
          blocks: message.blocks,
        }),
      );
      return `${EPHEMERAL_ID}${typeof result.message_ts === "string" ? result.message_ts : ""}`;
    }
    const result = await call(() =>
      this.writer.call("chat.postMessage", {
        channel: target.channel,
        thread_ts: target.threadTs,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (typeof result.ts !== "string" || !result.ts)
      throw new SlackMessengerError("chat.postMessage returned no ts");
    return result.ts;
  }
}

/**
 * The message with a last section linking the video and giving its size (when known), and the upload
 * limit it is over: `🎬 <link|file.mp4> · 152.4 MB > 100.0 MB`.
 */
function withVideoLine(
  message: SlackMessage,
  video: SlackVideo,
  size: number | undefined,
  maxBytes: number,
): SlackMessage {
  const shown =
    size === undefined
      ? ""
      : ` · ${formatBytes(size)}${size > maxBytes ? ` > ${formatBytes(maxBytes)}` : ""}`;
  const line = `🎬 ${mrkdwnLink(video.url, video.fileName)}${shown}`;
  const blocks = [...message.blocks];
  const actionsAt = blocks.findIndex((block) => block.type === "actions");
  const section = { type: "section" as const, text: { type: "mrkdwn" as const, text: line } };
  blocks.splice(actionsAt < 0 ? blocks.length : actionsAt, 0, section);
  return { ...message, text: `${message.text}\n${line}`, blocks };
}

/** Runs a Web API call, turning the failures the outbox tells apart into coded errors. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classify(error);
  }
}

function classify(error: unknown): unknown {
  // A Retry-After longer than the messenger waits (refused before any wait).
  if (isRequestError(error) && "code" in error.original && error.original.code === "RATE_LIMITED")
    return error.original;
  const retryAfterS = rateLimitRetryAfterS(error);
  if (retryAfterS !== undefined) {
    return new DeliveryError("RATE_LIMITED", `slack rate limited (retry-after: ${retryAfterS} s)`, {
      cause: error,
      retryAfterMs: retryAfterS * 1000,
    });
  }
  const code = slackErrorCode(error);
  if (code === undefined) return error;
  if (MESSAGE_GONE_ERRORS.has(code))
    return new DeliveryError("MESSAGE_GONE", `slack: ${code}`, { cause: error });
  if (code === "ratelimited" || code === "rate_limited")
    return new DeliveryError("RATE_LIMITED", `slack: ${code}`, { cause: error });
  return error;
}
