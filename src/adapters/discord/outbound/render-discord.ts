import { escapeMarkdown } from "discord.js";
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInContainer,
  type APIComponentInMessageActionRow,
  type APIMediaGalleryComponent,
  type APIMessageTopLevelComponent,
  type APITextDisplayComponent,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  SeparatorSpacingSize,
} from "discord-api-types/v10";
import { choiceActions } from "../../../core/conversation/quick-replies.js";
import type { ActionKind, Reply, ReplyAction, ReplyLink } from "../../../core/conversation/reply.js";
import { encodeCustomId } from "../common/buttons.js";
import { CHOOSE_CUSTOM_ID, MODAL_BUTTON_IDS, QUICK_SELECT_ID } from "../common/component-ids.js";
import { menuRows } from "./render-menus.js";
import { splitMessage } from "./split-message.js";

/** The JSON body of one Discord message (create or edit), in Components V2 (no `content`, no `embeds`). */
export interface DiscordMessageBody {
  flags: MessageFlags.IsComponentsV2;
  components: APIMessageTopLevelComponent[];
  /** Always `{ parse: [] }`: nothing in a reply can ping @everyone, @here, a role or a user. */
  allowed_mentions: { parse: [] };
}

/** A finished video a message shows: the messenger posts it as an attachment when it fits the place. */
export interface DiscordVideo {
  url: string;
  fallbackUrl?: string | undefined;
  fileName: string;
  sizeBytes?: number | undefined;
}

/** One message of a reply: its body, and the video to stream into it (last message only). */
export interface DiscordPart {
  body: DiscordMessageBody;
  video?: DiscordVideo | undefined;
}

/** Component ids (V2 `id`) of the parts the messenger fills in once it knows how the video is sent. */
export const VIDEO_GALLERY_ID = 100;
export const VIDEO_LINE_ID = 101;

/**
 * Text per message: Discord allows 4,000 characters across a message's text displays; this leaves room
 * for the links and the video line next to it.
 */
const TEXT_PER_MESSAGE = 3000;
const BUTTONS_PER_ROW = 5;
const BUTTON_LABEL_MAX = 80;
const SELECT_OPTIONS_MAX = 25;
const COLOR = { info: 0x5865f2, error: 0xed4245 } as const;

const STYLES: Record<ActionKind, APIButtonComponentWithCustomId["style"]> = {
  export: ButtonStyle.Primary,
  retry: ButtonStyle.Primary,
  cancel: ButtonStyle.Danger,
  timeline: ButtonStyle.Secondary,
  credits: ButtonStyle.Secondary,
  new: ButtonStyle.Secondary,
  help: ButtonStyle.Secondary,
  continue: ButtonStyle.Primary,
  drop: ButtonStyle.Danger,
  login: ButtonStyle.Secondary,
  logout: ButtonStyle.Secondary,
  account: ButtonStyle.Secondary,
  history: ButtonStyle.Secondary,
  usage: ButtonStyle.Secondary,
  project_link: ButtonStyle.Secondary,
  // Settings (issue 21)
  settings: ButtonStyle.Secondary,
  // Quick replies
  quick_reply: ButtonStyle.Primary,
  // Variations
  variations: ButtonStyle.Secondary,
  variations_confirm: ButtonStyle.Primary,
  variations_cancel: ButtonStyle.Danger,
  choose_variation: ButtonStyle.Primary,
  // Continue anywhere
  move_thread: ButtonStyle.Secondary,
  move_code: ButtonStyle.Secondary,
  move_here: ButtonStyle.Secondary,
};

/** Kinds whose buttons have a row of their own, beside the follow-up actions (a full row stays buttons). */
const OWN_ROW: readonly ActionKind[] = ["project_link", "variations", "move_thread", "move_code"];

/**
 * Renders a neutral reply as one or more Components V2 messages, in order. Each is a Container (accent
 * colour by tone) of TextDisplays: the progress message and the text (markdown-escaped, URLs kept
 * clickable), split across messages at paragraph or sentence boundaries. The last message also shows
 * the video (a MediaGallery under a Separator, then a line with the link and its size, and the links
 * such as the task link) and the buttons: one ActionRow of at most five, or one select menu when
 * there are more. An answer that can be followed up (it offers Export) also gets ✏️ Edit and 🔗 Add
 * media from URL, which open modals. Every body has `allowed_mentions: { parse: [] }`.
 */
export function renderDiscordReply(reply: Reply): DiscordPart[] {
  const head = [reply.progress, reply.text]
    .filter((part): part is string => Boolean(part?.trim()))
    .map(escapeText)
    .join("\n");
  const texts = splitMessage(reply.tone === "error" && head ? `⚠️ ${head}` : head, TEXT_PER_MESSAGE);
  const links = (reply.links ?? []).map(markdownLink).join("\n");
  // Quick replies first: their own row of buttons, or their own select menu beyond five.
  const rows = [...followUpRows(choiceActions(reply), QUICK_SELECT_ID), ...actionRows(reply.actions ?? [])];
  const video = reply.video && safeUrl(reply.video.url) ? reply.video : undefined;
  if (texts.length === 0 && !links && !video && !reply.gallery?.length) texts.push(rows.length ? "" : "…");
  if (texts.length === 0) texts.push("");
  const accent = reply.tone === "error" ? COLOR.error : COLOR.info;
  return texts.map((text, index) => {
    const last = index === texts.length - 1;
    const inner: APIComponentInContainer[] = text ? [textDisplay(text)] : [];
    if (last && video) {
      const url = safeUrl(video.url)!;
      if (inner.length)
        inner.push({ type: ComponentType.Separator, divider: true, spacing: SeparatorSpacingSize.Small });
      inner.push(gallery(url, video.title));
      inner.push({ ...textDisplay(videoLine(url, video.sizeBytes)), id: VIDEO_LINE_ID });
    }
    // Variations: the videos side by side, one MediaGallery
    if (last && reply.gallery?.length) inner.push(...variationsGallery(reply.gallery));
    if (last && links) inner.push(textDisplay(links));
    if (inner.length === 0) inner.push(textDisplay("…"));
    const components: APIMessageTopLevelComponent[] = [
      { type: ComponentType.Container, accent_color: accent, components: inner },
      ...(last ? rows : []),
      // Settings (issue 21): `/settings` menus
      ...(last ? menuRows(reply.menus) : []),
    ];
    const body: DiscordMessageBody = {
      flags: MessageFlags.IsComponentsV2,
      components,
      allowed_mentions: { parse: [] },
    };
    if (!(last && video)) return { body };
    return {
      body,
      video: {
        url: video.url,
        fileName: mp4Name(video.fileName),
        ...(video.fallbackUrl && safeUrl(video.fallbackUrl) ? { fallbackUrl: video.fallbackUrl } : {}),
        ...(video.sizeBytes !== undefined ? { sizeBytes: video.sizeBytes } : {}),
      },
    };
  });
}

/**
 * The body of a video message once the messenger knows how the video goes out: as the attachment
 * `attachment` (the gallery plays it inline) or, without one, as the link with its size (the gallery
 * plays the direct `.mp4` link).
 */
export function withVideo(
  body: DiscordMessageBody,
  video: DiscordVideo,
  sent: { attachment?: string | undefined; sizeBytes?: number | undefined },
): DiscordMessageBody {
  const url = safeUrl(video.url) ?? video.url;
  const fill = (component: APIComponentInContainer): APIComponentInContainer => {
    if (component.type === ComponentType.MediaGallery && component.id === VIDEO_GALLERY_ID) {
      const item = component.items[0]!;
      return {
        ...component,
        items: [{ ...item, media: { url: sent.attachment ? `attachment://${sent.attachment}` : url } }],
      };
    }
    if (component.type === ComponentType.TextDisplay && component.id === VIDEO_LINE_ID) {
      return { ...component, content: videoLine(url, sent.sizeBytes ?? video.sizeBytes) };
    }
    return component;
  };
  return {
    ...body,
    components: body.components.map((component) =>
      component.type === ComponentType.Container
        ? { ...component, components: component.components.map(fill) }
        : component,
    ),
  };
}

function textDisplay(content: string): APITextDisplayComponent {
  return { type: ComponentType.TextDisplay, content };
}

function gallery(url: string, title: string | undefined): APIMediaGalleryComponent {
  return {
    type: ComponentType.MediaGallery,
    id: VIDEO_GALLERY_ID,
    items: [{ media: { url }, ...(title ? { description: title.slice(0, 1024) } : {}) }],
  };
}

/** Variations: at most 10 videos (Discord's limit) in one MediaGallery, each titled, and their links. */
function variationsGallery(items: NonNullable<Reply["gallery"]>): APIComponentInContainer[] {
  const shown = items.flatMap((item) => {
    const url = safeUrl(item.url);
    return url ? [{ url, title: item.title }] : [];
  });
  if (shown.length === 0) return [];
  return [
    {
      type: ComponentType.MediaGallery,
      items: shown
        .slice(0, 10)
        .map(({ url, title }) => ({ media: { url }, description: title.slice(0, 1024) })),
    },
    textDisplay(shown.map(({ url, title }) => `${escapePlain(title)} ▶️ ${url}`).join("\n")),
  ];
}

/** `▶️ <url> · 12.3 MB` (the size when known). */
function videoLine(url: string, sizeBytes: number | undefined): string {
  return sizeBytes === undefined ? `▶️ ${url}` : `▶️ ${url} · ${formatSize(sizeBytes)}`;
}

/** A size as people read it: `812 KB`, `12.3 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A safe attachment file name ending in `.mp4`. */
function mp4Name(name: string | undefined): string {
  const base = (name ?? "video.mp4").replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100);
  return /\.mp4$/i.test(base) ? base : `${base}.mp4`;
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

/** A URL fit for a markdown link target or a media item: http(s) only, nothing that ends a link early. */
function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (!/^https?:\/\/\S+$/i.test(trimmed)) return undefined;
  return trimmed.replace(/[()]/g, (char) => (char === "(" ? "%28" : "%29"));
}

/** The buttons of a reply: the actions, then (on answers) the two modal openers. */
function buttonsOf(actions: readonly ReplyAction[]): APIButtonComponentWithCustomId[] {
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
      label:
        action.label.length > BUTTON_LABEL_MAX
          ? `${action.label.slice(0, BUTTON_LABEL_MAX - 1)}…`
          : action.label,
      custom_id: customId,
    });
  }
  if (actions.some((action) => action.kind === "export")) {
    buttons.push(
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        emoji: { name: "✏️" },
        custom_id: MODAL_BUTTON_IDS.edit,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        emoji: { name: "🔗" },
        custom_id: MODAL_BUTTON_IDS.media,
      },
    );
  }
  return buttons;
}

/** The button rows of a message (see {@link followUpRows}). */
function actionRows(
  actions: readonly ReplyAction[],
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  // "Get my NemoVideo link" and the continue buttons have a row of their own: they stay buttons beside
  // the follow-up actions.
  const link = buttonsOf(actions.filter((action) => OWN_ROW.includes(action.kind)));
  const linkRow = link.length > 0 ? [{ type: ComponentType.ActionRow as const, components: link }] : [];
  return [...linkRow, ...followUpRows(actions.filter((action) => !OWN_ROW.includes(action.kind)))];
}

/** One row of up to five buttons, or one select menu offering every choice when there are more. */
function followUpRows(
  actions: readonly ReplyAction[],
  selectId = CHOOSE_CUSTOM_ID,
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const buttons = buttonsOf(actions);
  if (buttons.length === 0) return [];
  if (buttons.length <= BUTTONS_PER_ROW) return [{ type: ComponentType.ActionRow, components: buttons }];
  const options = buttons.slice(0, SELECT_OPTIONS_MAX).map((button) => ({
    label: button.label ?? (button.custom_id === MODAL_BUTTON_IDS.edit ? "✏️" : "🔗"),
    value: button.custom_id,
    ...(button.emoji ? { emoji: button.emoji } : {}),
  }));
  return [
    {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.StringSelect, custom_id: selectId, options, placeholder: "…" }],
    },
  ];
}
