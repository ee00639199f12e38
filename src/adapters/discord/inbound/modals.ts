import {
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from "discord-api-types/v10";
import { MODAL_BUTTON_IDS } from "../common/component-ids.js";
import { discordText } from "./discord-texts.js";

/** The modals the modal buttons open (custom ids; the thread is where they are). */
export const MODAL_IDS = { edit: "nemo:edit", media: "nemo:media" } as const;
const INPUT_IDS = { edit: "instruction", media: "url" } as const;

/** Which modal a button opens, if it is one of the modal buttons. */
export function modalOfButton(customId: string): keyof typeof MODAL_IDS | undefined {
  if (customId === MODAL_BUTTON_IDS.edit) return "edit";
  if (customId === MODAL_BUTTON_IDS.media) return "media";
  return undefined;
}

/** The modal a button opens, in the clicker's language. */
export function modalFor(
  kind: keyof typeof MODAL_IDS,
  locale: string,
): APIModalInteractionResponseCallbackData {
  const edit = kind === "edit";
  return {
    custom_id: MODAL_IDS[kind],
    title: discordText(locale, edit ? "edit_title" : "media_title"),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: INPUT_IDS[kind],
            label: discordText(locale, edit ? "edit_label" : "media_label"),
            style: edit ? TextInputStyle.Paragraph : TextInputStyle.Short,
            required: true,
            min_length: edit ? 1 : 10,
            max_length: edit ? 4000 : 2000,
            placeholder: discordText(locale, edit ? "edit_placeholder" : "media_placeholder"),
          },
        ],
      },
    ],
  };
}

/** What a modal submission asks for: an instruction (a turn) or a URL to upload. */
export type ModalSubmission = { kind: "edit"; text: string } | { kind: "media"; url: string } | undefined;

/**
 * Reads a submission of one of the bot's modals: the trimmed instruction, or the URL when it is a
 * well-formed `http(s)` URL without credentials in it. Undefined for anything else.
 */
export function readSubmission(customId: string, field: (id: string) => string | undefined): ModalSubmission {
  if (customId === MODAL_IDS.edit) {
    const text = field(INPUT_IDS.edit)?.trim();
    return text ? { kind: "edit", text } : undefined;
  }
  if (customId === MODAL_IDS.media) {
    const url = allowedUrl(field(INPUT_IDS.media) ?? "");
    return url ? { kind: "media", url } : undefined;
  }
  return undefined;
}

/** An `http(s)` URL with a host and no user info; anything else (file:, javascript:, data:, …) is refused. */
export function allowedUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (!url.hostname || url.username || url.password) return undefined;
  return url.toString();
}

/** A file name for a URL upload: the last path segment, or `media`. */
export function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split("/").filter(Boolean).at(-1);
  return last ? decodeURIComponent(last).slice(0, 200) : "media";
}
