import {
  ASPECT_RATIOS,
  effectiveSettings,
  type GenerationSettings,
  LENGTH_CHOICES_SECONDS,
  type PlaceSettings,
  VARIATIONS_MAX,
  VARIATIONS_MIN,
  variationCount,
} from "../../core/conversation/generation-settings.js";
import type { Lang } from "../../core/conversation/language.js";
import type { ReplyMenu } from "../../core/conversation/reply.js";
import { text } from "../../core/conversation/texts.js";

/** What `/settings` shows one member: their own, the place's, and whether they may change the place's. */
export interface SettingsView {
  member: GenerationSettings;
  place: PlaceSettings;
  mayChangePlace: boolean;
}

const seconds = (lang: Lang, n: number | undefined): string =>
  n ? text(lang, "settings_seconds", { n }) : text(lang, "settings_not_set");

const languageName = (lang: Lang, value: Lang | undefined): string =>
  value === undefined
    ? text(lang, "settings_not_set")
    : text(lang, value === "en" ? "settings_lang_en" : "settings_lang_zh");

/** The lines of what applies to the member here (their choices within the place's), and the place's. */
export function settingsLines(lang: Lang, view: SettingsView): string[] {
  const { member, place } = view;
  const applied = effectiveSettings(member, place);
  const onOff = (on: boolean | undefined) => text(lang, on ? "settings_on" : "settings_off");
  const lines = [
    text(lang, "settings_header"),
    text(lang, "settings_line_ratio", { value: applied.aspectRatio ?? text(lang, "settings_not_set") }),
    text(lang, "settings_line_length", { value: seconds(lang, applied.lengthSeconds) }),
    text(lang, "settings_line_language", { value: languageName(lang, applied.language) }),
    text(lang, "settings_line_private", { value: onOff(applied.privateResults) }),
  ];
  const wanted = member.lengthSeconds;
  const max = place.maxLengthSeconds;
  if (wanted !== undefined && max !== undefined && wanted > max)
    lines.push(text(lang, "settings_clamped", { wanted, max }));
  if (member.privateResults && place.privateForbidden)
    lines.push(text(lang, "settings_private_forbidden_note"));
  lines.push(
    "",
    text(lang, "settings_place_header"),
    text(lang, "settings_line_ratio", { value: place.aspectRatio ?? text(lang, "settings_not_set") }),
    text(lang, "settings_line_length", { value: seconds(lang, place.lengthSeconds) }),
    text(lang, "settings_line_max_length", { value: seconds(lang, max) }),
    text(lang, "settings_line_variations", { value: variationCount(place) }),
    text(lang, "settings_line_private_allowed", {
      value: text(lang, place.privateForbidden ? "settings_forbidden" : "settings_allowed"),
    }),
    "",
    text(lang, "settings_hint"),
  );
  if (view.mayChangePlace) lines.push(text(lang, "settings_hint_place"));
  return lines;
}

/**
 * The select menus of the answer (drawn where the platform can, bound to `owner`): ratio, length (up to
 * the place's maximum), language, private results; and for the place's admins one menu of the place's.
 */
export function settingsMenus(lang: Lang, owner: string, view: SettingsView): ReplyMenu[] {
  const { member, place } = view;
  const none = text(lang, "settings_option_none");
  const lengths = LENGTH_CHOICES_SECONDS.filter(
    (n) => place.maxLengthSeconds === undefined || n <= place.maxLengthSeconds,
  );
  const menus: ReplyMenu[] = [
    {
      owner,
      placeholder: text(lang, "settings_menu_ratio"),
      options: [
        ...ASPECT_RATIOS.map((ratio) => ({
          label: ratio,
          arg: `ratio ${ratio}`,
          selected: member.aspectRatio === ratio,
        })),
        { label: none, arg: "ratio off" },
      ],
    },
    {
      owner,
      placeholder: text(lang, "settings_menu_length"),
      options: [
        ...lengths.map((n) => ({
          label: seconds(lang, n),
          arg: `length ${n}`,
          selected: member.lengthSeconds === n,
        })),
        { label: none, arg: "length off" },
      ],
    },
    {
      owner,
      placeholder: text(lang, "settings_menu_language"),
      options: [
        { label: languageName(lang, "en"), arg: "language en", selected: member.language === "en" },
        { label: languageName(lang, "zh-CN"), arg: "language zh-CN", selected: member.language === "zh-CN" },
        { label: none, arg: "language off" },
      ],
    },
    {
      owner,
      placeholder: text(lang, "settings_menu_private"),
      options: [
        { label: text(lang, "settings_on"), arg: "private on", selected: member.privateResults === true },
        { label: text(lang, "settings_off"), arg: "private off", selected: member.privateResults === false },
      ],
    },
  ];
  if (view.mayChangePlace) menus.push(placeMenu(lang, owner));
  return menus;
}

function placeMenu(lang: Lang, owner: string): ReplyMenu {
  const none = text(lang, "settings_option_none");
  const option = (key: Parameters<typeof text>[1], value: string | number, arg: string) => ({
    label: text(lang, key, { value }),
    arg,
  });
  const variations = Array.from(
    { length: VARIATIONS_MAX - VARIATIONS_MIN + 1 },
    (_, i) => VARIATIONS_MIN + i,
  );
  return {
    owner,
    placeholder: text(lang, "settings_menu_place"),
    options: [
      ...ASPECT_RATIOS.map((ratio) => option("settings_option_place_ratio", ratio, `place ratio ${ratio}`)),
      option("settings_option_place_ratio", none, "place ratio off"),
      ...[15, 30, 60].map((n) =>
        option("settings_option_place_max", seconds(lang, n), `place max-length ${n}`),
      ),
      option("settings_option_place_max", none, "place max-length off"),
      ...variations.map((n) => option("settings_option_place_variations", n, `place variations ${n}`)),
      option("settings_option_place_private", text(lang, "settings_allowed"), "place private on"),
      option("settings_option_place_private", text(lang, "settings_forbidden"), "place private off"),
    ],
  };
}
