import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ComponentType,
} from "discord-api-types/v10";
import type { ReplyMenu } from "../../../core/conversation/reply.js";
import { settingsMenuId } from "../common/settings-menu-ids.js";

const OPTIONS_MAX = 25;
const LABEL_MAX = 100;
/** Discord's limit of action rows beside the message's other components. */
const MENUS_MAX = 5;

/** Settings (issue 21): a reply's select menus, one action row each, bound to their owner. */
export function menuRows(
  menus: readonly ReplyMenu[] | undefined,
): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  return (menus ?? []).slice(0, MENUS_MAX).map((menu, index) => ({
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: settingsMenuId(menu.owner, index),
        placeholder: menu.placeholder.slice(0, LABEL_MAX),
        options: menu.options.slice(0, OPTIONS_MAX).map((option) => ({
          label: option.label.slice(0, LABEL_MAX),
          value: option.arg,
          ...(option.selected ? { default: true } : {}),
        })),
      },
    ],
  }));
}
