import type { REST } from "@discordjs/rest";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Logger } from "../../../core/logger.js";
import type { MediaUrlPolicy } from "../../../core/media-url.js";
import { createAttachmentLimits } from "./attachment-limit.js";
import { type DiscordMessageBody, type DiscordVideo, withVideo } from "./render-discord.js";
import { openVideo, sendWithFile } from "./video-upload.js";

/** Posts (`POST`) or replaces (`PATCH`) the message at `path` with a part that shows a video. */
export type VideoPartSender = (
  ref: ConversationRef,
  part: { body: DiscordMessageBody; video: DiscordVideo },
  method: "POST" | "PATCH",
  path: string,
) => Promise<string | undefined>;

/**
 * Sends a part that shows a video: with the video attached when it opens and fits the place, else
 * with its link and size. Resolves to the message id.
 */
export function createVideoPartSender(options: {
  rest: REST;
  apiUrl: string;
  token: string;
  media: MediaUrlPolicy;
  log: Logger;
}): VideoPartSender {
  const { rest, apiUrl, token, media, log } = options;
  const attachmentLimit = createAttachmentLimits(rest);
  return async (ref, part, method, path) => {
    const limit = await attachmentLimit(ref);
    const opened = await openVideo(part.video, log, media);
    if (opened && opened.sizeBytes <= limit) {
      try {
        const result = await sendWithFile({
          apiUrl,
          token,
          method,
          path,
          body: withVideo(part.body, part.video, {
            attachment: part.video.fileName,
            sizeBytes: opened.sizeBytes,
          }),
          file: { name: part.video.fileName, stream: opened.body, sizeBytes: opened.sizeBytes },
        });
        if (result.status >= 200 && result.status < 300) {
          log.info({ channel: ref.thread, bytes: opened.sizeBytes, limit }, "discord-video-attached");
          return (result.body as { id: string }).id;
        }
        log.warn({ channel: ref.thread, status: result.status }, "discord-video-attach-refused");
      } catch (error) {
        log.warn({ channel: ref.thread, err: String(error) }, "discord-video-attach-failed");
      } finally {
        opened.close();
      }
    } else {
      opened?.close();
      if (opened) log.info({ channel: ref.thread, bytes: opened.sizeBytes, limit }, "discord-video-linked");
    }
    const body = withVideo(part.body, part.video, opened ? { sizeBytes: opened.sizeBytes } : {});
    const message = (await (method === "POST"
      ? rest.post(path as `/${string}`, { body })
      : rest.patch(path as `/${string}`, { body }))) as { id: string };
    return message.id;
  };
}
