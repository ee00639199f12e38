import type { Reply } from "../../../core/conversation/reply.js";

/** A finished video as a Slack message carries it (JSON: it passes through the outbox). */
export interface SlackVideo {
  url: string;
  fallbackUrl?: string | undefined;
  sizeBytes?: number | undefined;
  fileName: string;
  title?: string | undefined;
}

import { backendTextToMrkdwn, escapeMrkdwn, mrkdwnLink, splitMrkdwn, truncateMrkdwn } from "./mrkdwn.js";
import { quickRepliesBlock, type SlackQuickRepliesBlock } from "./quick-reply-blocks.js";
import { BUTTON_TEXT_MAX, BUTTON_VALUE_MAX, buttonsOf, type SlackButton } from "./slack-buttons.js";

/** Slack's Block Kit limits the rendering stays under. */
export const SLACK_LIMITS = {
  /** Characters of one section's text. */
  sectionText: 3000,
  /** Blocks of one message. */
  blocksPerMessage: 50,
  /** Text sections of one message before the rest moves to the next message (room for links and buttons). */
  sectionsPerMessage: 45,
  /** Characters of the top-level `text` (the notification and accessibility fallback). */
  fallbackText: 4000,
  /** Characters of a button label. */
  buttonText: BUTTON_TEXT_MAX,
  /** Characters of a button value. */
  buttonValue: BUTTON_VALUE_MAX,
} as const;

/** A section block with mrkdwn text (at most {@link SLACK_LIMITS.sectionText} characters). */
export interface SlackSectionBlock {
  type: "section";
  text: { type: "mrkdwn"; text: string };
}

/** The row of buttons under a reply. */
export interface SlackActionsBlock {
  type: "actions";
  elements: SlackButton[];
}

/** The blocks the bot sends. */
export type SlackBlock = SlackSectionBlock | SlackActionsBlock | SlackQuickRepliesBlock;

/** One Slack message: Block Kit blocks plus the top-level `text` fallback (mrkdwn, escaped). */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  /** A finished video the messenger uploads into the thread after this message (the reply's last). */
  video?: SlackVideo | undefined;
}

/**
 * Renders a neutral reply as one or more Slack messages (more only when the text needs more than
 * {@link SLACK_LIMITS.sectionsPerMessage} sections). Backend text is escaped, so `<!channel>` in it
 * arrives as `&lt;!channel&gt;`; links and the buttons go on the last message.
 */
export function renderSlackReply(reply: Reply): SlackMessage[] {
  const sections = contentSections(reply);
  const links = (reply.links ?? []).map((link) => mrkdwnLink(link.url, link.label));
  const tail = links.length > 0 ? splitMrkdwn(links.join("  •  "), SLACK_LIMITS.sectionText) : [];
  const quick = quickRepliesBlock(reply);
  const buttons = buttonsOf(reply.actions ?? []);

  const groups: string[][] = [];
  for (let i = 0; i < sections.length; i += SLACK_LIMITS.sectionsPerMessage) {
    groups.push(sections.slice(i, i + SLACK_LIMITS.sectionsPerMessage));
  }
  if (groups.length === 0) groups.push([]);
  const last = groups[groups.length - 1]!;
  if (last.length + tail.length > SLACK_LIMITS.blocksPerMessage - 2) groups.push([...tail]);
  else last.push(...tail);
  if (groups.length === 1 && groups[0]!.length === 0 && buttons.length === 0) groups[0]!.push("…");

  return groups.map((group, index) => {
    const blocks: SlackBlock[] = group.map(section);
    const isLast = index === groups.length - 1;
    if (isLast && quick) blocks.push(quick);
    if (isLast && buttons.length > 0) blocks.push({ type: "actions", elements: buttons.slice(0, 25) });
    const fallback = group.length > 0 ? group.join("\n") : buttons.map((b) => b.text.text).join(" · ");
    const message: SlackMessage = { text: truncateMrkdwn(fallback, SLACK_LIMITS.fallbackText), blocks };
    if (isLast && reply.video) message.video = slackVideo(reply.video);
    return message;
  });
}

/** Progress line, text and the video link, as section texts of at most 3000 characters each. */
function contentSections(reply: Reply): string[] {
  const parts: string[] = [];
  if (reply.progress?.trim()) parts.push(escapeMrkdwn(reply.progress.trim()));
  if (reply.text?.trim()) parts.push(backendTextToMrkdwn(reply.text.trim()));
  if (reply.video && !reply.text?.includes(reply.video.url)) {
    parts.push(`🎬 ${mrkdwnLink(reply.video.url, reply.video.title ?? reply.video.url)}`);
  }
  // Variations: one numbered line per video
  for (const item of reply.gallery ?? [])
    parts.push(`🎬 ${escapeMrkdwn(item.title)} ${mrkdwnLink(item.url, item.url)}`);
  if (reply.tone === "error" && parts.length > 0) parts[0] = `:warning: ${parts[0]}`;
  return parts.flatMap((part) => splitMrkdwn(part, SLACK_LIMITS.sectionText));
}

/** The video the messenger uploads: its file only (no comment: links stay in the message, never on the file). */
function slackVideo(video: NonNullable<Reply["video"]>): SlackVideo {
  return {
    url: video.url,
    fileName: video.fileName,
    ...(video.fallbackUrl ? { fallbackUrl: video.fallbackUrl } : {}),
    ...(video.sizeBytes !== undefined ? { sizeBytes: video.sizeBytes } : {}),
    ...(video.title ? { title: video.title } : {}),
  };
}

/**
 * Slack wants the `action_id`s of one block unique: a kind repeated in a row (a gallery's "Continue
 * with #k") gets `-<n>` appended, which `parseAction` reads back as the kind.
 */
function section(text: string): SlackSectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
