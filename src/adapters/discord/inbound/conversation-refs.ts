import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Attachment } from "../../../core/conversation/inbound.js";

/** A conversation in a guild thread: workspace = guild, channel = the thread's parent, thread = the thread. */
export function threadRef(guildId: string, parentId: string, threadId: string): ConversationRef {
  return { platform: "discord", workspace: guildId, channel: parentId, thread: threadId };
}

/** A direct message is a conversation of its own: workspace "dm", channel = thread = the DM channel. */
export function dmRef(channelId: string): ConversationRef {
  return { platform: "discord", workspace: "dm", channel: channelId, thread: channelId };
}

/** A Discord attachment (message or slash-command option) as an upload: its public CDN URL, no auth. */
export function toAttachment(file: {
  name: string;
  size: number;
  contentType: string | null;
  url: string;
}): Attachment {
  return {
    name: file.name,
    size: file.size,
    ...(file.contentType ? { contentType: file.contentType } : {}),
    url: file.url,
    auth: "none",
  };
}
