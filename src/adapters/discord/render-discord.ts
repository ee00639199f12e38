import { escapeMarkdown } from "discord.js";
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from "discord-api-types/v10";
import type { ActionKind, Reply, ReplyAction, ReplyLink } from "../../core/conversation/reply.js";
import { encodeCustomId } from "./buttons.js";
import { MESSAGE_CONTENT_MAX, splitMessage } from "./split-message.js";

/** The JSON body of one Discord message (create or edit). */
export interface DiscordMessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  /** Always `{ parse: [] }`: nothing in a reply can ping @everyone, @here, a role or a user. */
  allowed_mentions: { parse: [] };
}

const BUTTONS_PER_ROW = 5;
const MAX_ROWS = 5;
const BUTTON_LABEL_MAX = 80;
const EMBED_TITLE_MAX = 256;
const COLOR = { info: 0x5865f2, error: 0xed4245 } as const;

const STYLES: Record<ActionKind, APIButtonComponentWithCustomId["style"]> = {
  export: ButtonStyle.Primary,
  retry: ButtonStyle.Primary,
  cancel: ButtonStyle.Danger,
  timeline: ButtonStyle.Secondary,
  credits: ButtonStyle.Secondary,
  new: ButtonStyle.Secondary,
  help: ButtonStyle.Secondary,
  usage: ButtonStyle.Secondary,
};

/**
 * Renders a neutral reply as one or more Discord messages, in order: the progress line and the text
 * (markdown-escaped, URLs kept clickable) and, when there is no video, the links as markdown links,
 * split under 2,000 characters at paragraph or sentence boundaries. The last message carries the video
 * embed (title linking to the video, task link in the description) and the buttons (up to 5 rows of
 * 5). The MP4 itself is not attached: the embed links it. Every body has `allowed_mentions: { parse: [] }`.
 */
export function renderDiscordReply(reply: Reply): DiscordMessageBody[] {
  const blocks: string[] = [];
  const head = [reply.progress, reply.text]
    .filter((part): part is string => Boolean(part?.trim()))
    .map(escapeText)
    .join("\n");
  if (head) blocks.push(reply.tone === "error" ? `⚠️ ${head}` : head);
  if (!reply.video && reply.links?.length) blocks.push(reply.links.map(markdownLink).join("\n"));

  const embeds = reply.video ? [videoEmbed(reply)] : [];
  const components = buttonRows(reply.actions ?? []);
  const contents = splitMessage(blocks.join("\n\n"), MESSAGE_CONTENT_MAX);
  if (contents.length === 0) contents.push(embeds.length || components.length ? "" : "…");
  return contents.map((content, index) => {
    const last = index === contents.length - 1;
    return {
      content,
      embeds: last ? embeds : [],
      components: last ? components : [],
      allowed_mentions: { parse: [] },
    };
  });
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)'"\]]+$/;

/**
 * Markdown-escapes backend or bot text (bold, italics, code, spoilers, headings, masked links, …) while
 * URLs stay as they are, so Discord still turns them into links.
 */
export function escapeText(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    out += escapePlain(text.slice(last, match.index)) + url;
    last = match.index + url.length;
  }
  return out + escapePlain(text.slice(last));
}

function escapePlain(text: string): string {
  // Brackets separately: a masked link's parts are cut apart by the URL split above.
  return escapeMarkdown(text, { heading: true }).replace(/[[\]]/g, "\\$&");
}

/** `[label](url)`; just the label when the URL is not http(s). */
function markdownLink(link: ReplyLink): string {
  const url = safeUrl(link.url);
  return url ? `[${escapePlain(link.label)}](${url})` : escapePlain(link.label);
}

/** A URL fit for a markdown link target or an embed: http(s) only, nothing that ends a link early. */
function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (!/^https?:\/\/\S+$/i.test(trimmed)) return undefined;
  return trimmed.replace(/[()]/g, (char) => (char === "(" ? "%28" : "%29"));
}

function videoEmbed(reply: Reply): APIEmbed {
  const url = safeUrl(reply.video!.url);
  const description = [...(url ? [`▶️ ${url}`] : []), ...(reply.links ?? []).map(markdownLink)].join("\n");
  return {
    title: (reply.video!.title ?? "🎬 Video").slice(0, EMBED_TITLE_MAX),
    ...(url ? { url } : {}),
    ...(description ? { description } : {}),
    color: reply.tone === "error" ? COLOR.error : COLOR.info,
  };
}

function buttonRows(
  actions: readonly ReplyAction[],
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const buttons: APIButtonComponentWithCustomId[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    // A Cancel whose argument does not fit still cancels the newest waiting message; a Retry needs it.
    const customId =
      encodeCustomId(action) ?? (action.kind === "cancel" ? encodeCustomId({ kind: "cancel" }) : undefined);
    if (!customId || seen.has(customId)) continue;
    seen.add(customId);
    buttons.push({
      type: ComponentType.Button,
      style: STYLES[action.kind],
      label: action.label.slice(0, BUTTON_LABEL_MAX),
      custom_id: customId,
    });
  }
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < buttons.length && rows.length < MAX_ROWS; i += BUTTONS_PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
  }
  return rows;
}
