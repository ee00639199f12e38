import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";

/** The link that opens a conversation's thread in Slack (its channel, for a DM's own conversation). */
export function slackThreadLink(ref: ConversationRef): string {
  const channel = `https://app.slack.com/client/${ref.workspace}/${ref.channel}`;
  return /^\d+\.\d+$/.test(ref.thread) ? `${channel}/thread/${ref.channel}-${ref.thread}` : channel;
}
