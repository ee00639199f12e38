import {
  effectiveSettings,
  type GenerationSettings,
  type PlaceSettings,
} from "../../core/conversation/generation-settings.js";
import { type Lang, langFromLocale } from "../../core/conversation/language.js";
import { parseSettingsArgs, type SettingsEdit } from "../../core/conversation/settings-args.js";
import { type TextKey, text } from "../../core/conversation/texts.js";
import type { SettingsChange, SettingsStore } from "../../store/settings-store.js";
import type { Permissions } from "../policies/permissions.js";
import type { CommandHandler } from "./answers.js";
import { settingsLines, settingsMenus } from "./settings-view.js";

export interface SettingsParts {
  settings: Pick<SettingsStore, "member" | "place" | "effective" | "changeMember" | "changePlace">;
  permissions: Pick<Permissions, "may">;
}

/** The changes of one scope, as the store takes them. */
function changesOf<T>(edits: SettingsEdit[], scope: "member" | "place"): SettingsChange<T> {
  const change: Record<string, unknown> = {};
  for (const edit of edits) if (edit.scope === scope) change[edit.field] = edit.value;
  return change as SettingsChange<T>;
}

/**
 * `/settings`: shows the member's settings here (their choices within the place's limits) and the
 * place's defaults and limits, with menus where the platform draws them; `/settings ratio 9:16`,
 * `length 15`, `language zh-CN`, `private on|off`, `reset` change the member's own (`settings-own`);
 * `/settings place …` the place's (`settings-place`: its admins and operators). A refused change
 * changes nothing. Always answered to the sender only (see `deliverPrivately`), in the language that
 * applies to them after the change.
 */
export function settingsCommand(parts: SettingsParts): CommandHandler {
  return async ({ inbound, intent, answer }) => {
    const { ref, user } = inbound;
    const request = parseSettingsArgs(intent.kind === "settings" ? intent.arg : undefined);
    const notes: TextKey[] = [];
    if (request.kind === "invalid") notes.push("settings_invalid");
    if (request.kind === "reset" || request.kind === "change") {
      const edits = request.kind === "reset" ? [] : request.edits;
      const ownEdits = request.kind === "reset" || edits.some((edit) => edit.scope === "member");
      const placeEdits = edits.some((edit) => edit.scope === "place");
      if (ownEdits && !(await parts.permissions.may("settings-own", ref, user)))
        return answer.refuse("settings_own_refused", "settings-refused", undefined, "settings-own");
      if (placeEdits && !(await parts.permissions.may("settings-place", ref, user)))
        return answer.refuse("settings_place_refused", "settings-refused", undefined, "settings-place");
      if (request.kind === "reset") await parts.settings.changeMember(ref.platform, user.id, RESET);
      else if (ownEdits)
        await parts.settings.changeMember(
          ref.platform,
          user.id,
          changesOf<GenerationSettings>(edits, "member"),
        );
      if (placeEdits) await parts.settings.changePlace(ref, changesOf<PlaceSettings>(edits, "place"));
      notes.push(request.kind === "reset" ? "settings_reset_done" : "settings_saved");
    }
    const [member, place, mayChangePlace] = await Promise.all([
      parts.settings.member(ref.platform, user.id),
      parts.settings.place(ref),
      parts.permissions.may("settings-place", ref, user),
    ]);
    // After a change of language, the answer is already in the new one.
    const shown: Lang = effectiveSettings(member, place).language ?? langFromLocale(inbound.locale);
    const view = { member, place, mayChangePlace };
    const lines = [...notes.map((note) => text(shown, note)), ...settingsLines(shown, view)];
    const reply = { text: lines.join("\n"), menus: settingsMenus(shown, user.id, view) };
    if (!(await answer.onlyToSender(reply))) await answer.say("settings_private_failed");
  };
}

const RESET: SettingsChange<GenerationSettings> = {
  aspectRatio: null,
  lengthSeconds: null,
  language: null,
  privateResults: null,
};
