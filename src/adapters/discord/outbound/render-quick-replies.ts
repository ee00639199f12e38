import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ButtonStyle,
  ComponentType,
} from "discord-api-types/v10";
import { choiceActions, MAX_QUICK_BUTTONS } from "../../../core/conversation/quick-replies.js";
import type { Reply } from "../../../core/conversation/reply.js";
import { encodeCustomId } from "../common/buttons.js";
import { QUICK_SELECT_ID } from "../common/component-ids.js";

/** Discord's limit on a button's label (a select option's is 100: the same cap keeps them alike). */
const LABEL_MAX = 80;

function shown(label: string): string {
  return label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}…` : label;
}

/**
 * A reply's quick replies: one row of up to five buttons, or one select menu (`nemo:quick`) of up to 25
 * options whose values are the buttons' ids. Each id is `nemo:quick_reply:<record id>:<index>` — never
 * the choice's text, which the worker reads from the record.
 */
export function quickReplyRows(reply: Reply): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const choices = choiceActions(reply).flatMap((action) => {
    const customId = encodeCustomId(action);
    return customId ? [{ label: shown(action.label), customId }] : [];
  });
  if (choices.length === 0) return [];
  if (choices.length <= MAX_QUICK_BUTTONS) {
    return [
      {
        type: ComponentType.ActionRow,
        components: choices.map((choice) => ({
          type: ComponentType.Button,
          style: ButtonStyle.Primary,
          label: choice.label,
          custom_id: choice.customId,
        })),
      },
    ];
  }
  const options = choices.map((choice) => ({ label: choice.label, value: choice.customId }));
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.StringSelect, custom_id: QUICK_SELECT_ID, options, placeholder: "…" },
      ],
    },
  ];
}
