import { RateLimitError, REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import { DeliveryError } from "../../../core/conversation/delivery-error.js";
import type { Messenger, PartMessenger } from "../../../core/conversation/messenger.js";
import type { Reply } from "../../../core/conversation/reply.js";
import type { Logger } from "../../../core/logger.js";
import type { MediaUrlPolicy } from "../../../core/media-url.js";
import { discordStatus } from "../common/rest-failure.js";
import { DiscordRequestError } from "./discord-request-error.js";
import { postInteractionFollowUp } from "./private-reply.js";
import { type DiscordMessageBody, type DiscordPart, renderDiscordReply } from "./render-discord.js";
import { discordThreadLink, startDiscordThread } from "./thread-start.js";
import { createVideoPartSender, type VideoPartSender } from "./video-part.js";

/** Settings of the Discord messenger. */
export interface DiscordMessengerConfig {
  /** The bot token (`DISCORD_TOKEN`); sent only as the Authorization header, never logged. */
  token: string;
  /** REST base instead of `https://discord.com/api` (`DISCORD_API_URL`: proxies, tests). */
  apiUrl?: string | undefined;
  /** A rate limit is waited out in place up to this long; a longer one rejects `RATE_LIMITED`. */
  maxRateLimitWaitMs?: number | undefined;
  /** Where finished videos may be downloaded from (`NEMO_MEDIA_HOSTS` and the backend's sites); unset: https or loopback, any host. */
  media?: MediaUrlPolicy | undefined;
  logger: Logger;
}

/** Default of {@link DiscordMessengerConfig.maxRateLimitWaitMs}. */
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Creates the outbound side of Discord on `@discordjs/rest` only — no gateway connection — so any
 * worker process can deliver. Rate limits are the library's: per-route buckets and the global limit,
 * and a 429 (on a post or an edit alike) waits as long as Discord says and retries the same request.
 * Only a wait longer than `maxRateLimitWaitMs` is refused (`RATE_LIMITED`, nothing sent), so the outbox
 * tries again later instead of holding a worker. Every reply goes to the conversation's thread
 * (`ref.thread`, which is the DM channel for direct messages).
 *
 * Messages are Components V2 (see `renderDiscordReply`). A finished video is streamed from its output
 * URL (else the fallback download URL) into the message as an attachment, so it plays inline, when its
 * size fits the place's upload limit (`attachment_size_limit`); otherwise the message shows the direct
 * `.mp4` link (played by Discord) with the size.
 *
 * A reply longer than one message is sent as several (`parts`, used by the outbox to deliver and edit
 * them one by one); `post` resolves to the id of the first. An edit Discord refuses for good (unknown
 * or too old a message) rejects with code `MESSAGE_GONE`, so the core posts a new message instead.
 */
export function createDiscordMessenger(config: DiscordMessengerConfig): Messenger {
  const maxWaitMs = config.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
  const rest = new REST({
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    retries: 2,
    rejectOnRateLimit: (limit) => Math.max(limit.retryAfter, limit.timeToReset) > maxWaitMs,
  }).setToken(config.token);
  const log = config.logger.child({ part: "discord-messenger" });
  const fail: FailureOf = (operation, channel, error) => requestFailure(log, operation, channel, error);
  const sendVideoPart = createVideoPartSender({
    rest,
    apiUrl: config.apiUrl ?? "https://discord.com/api",
    token: config.token,
    media: config.media ?? {},
    log,
  });
  const parts = createPartMessenger(rest, sendVideoPart, fail);

  return {
    parts,
    async post(ref: ConversationRef, reply: Reply): Promise<string> {
      const [first, ...more] = renderDiscordReply(reply);
      const id = await parts.post(ref, first);
      for (const body of more) await parts.post(ref, body);
      return id;
    },

    /**
     * Replaces the message with the first part (clearing its old buttons and embeds) and posts the
     * other parts below it. (The outbox edits the later parts of a long message in place instead.)
     */
    async edit(ref: ConversationRef, messageId: string, reply: Reply): Promise<void> {
      const [first, ...more] = renderDiscordReply(reply);
      await parts.edit(ref, messageId, first);
      for (const body of more) await parts.post(ref, body);
    },

    /** A message in the user's DM with the bot (opened over REST), for them alone. */
    async postDirect(_ref: ConversationRef, userId: string, reply: Reply): Promise<void> {
      const dm = await openDm(rest, userId, fail);
      for (const part of renderDiscordReply({ ...reply, video: undefined })) await parts.post(dm, part);
    },

    /** Private mode: the user's DM with the bot (opened over REST), `opener` posted in it. */
    async openDirect(_ref: ConversationRef, userId: string, opener: Reply): Promise<ConversationRef> {
      const dm = await openDm(rest, userId, fail);
      for (const part of renderDiscordReply(opener)) await parts.post(dm, part);
      return dm;
    },
    // Continue anywhere: a new thread in a channel over REST, and links to threads.
    async startThread(ref: ConversationRef, opener: { userId: string; text: string }) {
      try {
        return await startDiscordThread(rest, ref, opener);
      } catch (error) {
        throw fail("start thread", ref.channel, error);
      }
    },
    threadLink: discordThreadLink,

    /** An ephemeral follow-up to the interaction the user's command or click came with. */
    async postPrivately(address: string, reply: Reply): Promise<void> {
      const [first] = renderDiscordReply(reply);
      try {
        await postInteractionFollowUp(rest, address, first!.body);
      } catch (error) {
        throw fail("follow-up", "interaction", error);
      }
    },
  };
}

/** The user's DM with the bot as a conversation (Discord opens it, or answers the one already open). */
async function openDm(rest: REST, userId: string, fail: FailureOf): Promise<ConversationRef> {
  let channel: { id: string };
  try {
    channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
  } catch (error) {
    throw fail("open DM", "dm", error);
  }
  return { platform: "discord", workspace: "dm", channel: channel.id, thread: channel.id };
}

/** Turns a failed request into the error the outbox matches on. */
type FailureOf = (operation: string, channel: string, error: unknown) => Error;

/**
 * A rate limit longer than the wait allowed becomes `RATE_LIMITED` (with the time to wait), anything
 * else a {@link DiscordRequestError}.
 */
function requestFailure(log: Logger, operation: string, channel: string, error: unknown): Error {
  if (error instanceof RateLimitError) {
    const retryAfterMs = Math.max(error.retryAfter, error.timeToReset);
    log.info({ channel, retryAfterMs, route: error.route }, "discord-rate-limit-too-long");
    return new DeliveryError("RATE_LIMITED", `discord ${operation}: rate limited for ${retryAfterMs} ms`, {
      cause: error,
      retryAfterMs,
    });
  }
  log.debug({ channel, status: discordStatus(error) }, "discord-request-failed");
  return new DiscordRequestError(operation, error);
}

/** Posts and edits one rendered part at a time (the outbox delivers long replies part by part). */
function createPartMessenger(rest: REST, sendVideoPart: VideoPartSender, fail: FailureOf): PartMessenger {
  return {
    render: (reply) => renderDiscordReply(reply),
    async post(ref, part) {
      try {
        const { body, video } = part as DiscordPart;
        const path = Routes.channelMessages(ref.thread);
        if (video) return (await sendVideoPart(ref, { body, video }, "POST", path))!;
        const message = (await rest.post(path, { body })) as { id: string };
        return message.id;
      } catch (error) {
        throw fail("post message", ref.thread, error);
      }
    },
    async edit(ref, messageId, part) {
      try {
        const { body, video } = part as DiscordPart;
        const path = Routes.channelMessage(ref.thread, messageId);
        if (video) await sendVideoPart(ref, { body, video }, "PATCH", path);
        else await rest.patch(path, { body: body satisfies DiscordMessageBody });
      } catch (error) {
        throw fail("edit message", ref.thread, error);
      }
    },
  };
}
