import type { App, SlashCommand } from "@slack/bolt";
import type { KnownBlock, View } from "@slack/web-api";
import { ASPECT_RATIOS, LENGTH_CHOICES_SECONDS } from "../../../core/conversation/generation-settings.js";
import { type Lang, langFromLocale } from "../../../core/conversation/language.js";
import { text } from "../../../core/conversation/texts.js";
import { ephemeralRef } from "../common/slack-ref.js";
import { errorText } from "../web-api/api-errors.js";
import { deliverInbound, type InboundContext } from "./context.js";
import { slackText } from "./slack-texts.js";

/**
 * Settings (issue 21): the form `/nemo settings` opens (`views.open` with the command's trigger). Every
 * field is optional: what is left empty stays as it is. Its submission becomes a `settings` action whose
 * argument lists the changes (`ratio 9:16; length 15; place max-length 30`), answered privately in the
 * channel of the command with the settings as they are now; whether the member may change the place's
 * fields is decided by the worker (the permission table).
 */
export const SETTINGS_CALLBACK_ID = "nemo_settings";

/** One select of the form: its block id is the change's words, each option's value the change's value. */
interface Field {
  block: string;
  label: Parameters<typeof text>[1];
  options: { label: string; value: string }[];
}

function fields(lang: Lang): Field[] {
  const seconds = (n: number) => ({ label: text(lang, "settings_seconds", { n }), value: String(n) });
  const none = { label: text(lang, "settings_option_none"), value: "off" };
  const onOff = [
    { label: text(lang, "settings_on"), value: "on" },
    { label: text(lang, "settings_off"), value: "off" },
  ];
  const ratios = ASPECT_RATIOS.map((ratio) => ({ label: ratio, value: ratio }));
  return [
    { block: "ratio", label: "settings_menu_ratio", options: [...ratios, none] },
    {
      block: "length",
      label: "settings_menu_length",
      options: [...LENGTH_CHOICES_SECONDS.map(seconds), none],
    },
    {
      block: "language",
      label: "settings_menu_language",
      options: [
        { label: text(lang, "settings_lang_en"), value: "en" },
        { label: text(lang, "settings_lang_zh"), value: "zh-CN" },
        none,
      ],
    },
    { block: "private", label: "settings_menu_private", options: onOff },
    { block: "place ratio", label: "settings_option_place_ratio", options: [...ratios, none] },
    { block: "place max-length", label: "settings_line_max_length", options: [15, 30, 60].map(seconds) },
    {
      block: "place variations",
      label: "settings_line_variations",
      options: [2, 3, 4].map((n) => ({ label: String(n), value: String(n) })),
    },
    {
      block: "place private",
      label: "settings_line_private_allowed",
      options: [
        { label: text(lang, "settings_allowed"), value: "on" },
        { label: text(lang, "settings_forbidden"), value: "off" },
      ],
    },
  ];
}

const SELECT = "choice";

function settingsView(lang: Lang, metadata: { team: string; channel: string }): View {
  const plain = (value: string) => ({
    type: "plain_text" as const,
    text: value.replace(/^[•\s]+|[:：…]+.*$/g, ""),
  });
  const select = (field: Field): KnownBlock => ({
    type: "input",
    block_id: field.block,
    optional: true,
    label: plain(text(lang, field.label, { value: "" })),
    element: {
      type: "static_select",
      action_id: SELECT,
      options: field.options.map((option) => ({ text: plain(option.label), value: option.value })),
    },
  });
  const all = fields(lang);
  const place = all.filter((field) => field.block.startsWith("place "));
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: slackText(lang, "settings_intro") } },
    ...all.filter((field) => !place.includes(field)).map(select),
    { type: "divider" },
    { type: "section", text: { type: "mrkdwn", text: plain(text(lang, "settings_menu_place")).text } },
    ...place.map(select),
  ];
  return {
    type: "modal",
    callback_id: SETTINGS_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: slackText(lang, "settings_title") },
    submit: { type: "plain_text", text: slackText(lang, "settings_submit") },
    blocks,
  };
}

/** Opens the form within the trigger's 3 seconds (no queue in between). */
export async function openSettingsModal(
  ctx: InboundContext,
  command: SlashCommand,
  team: string,
): Promise<void> {
  const lang = langFromLocale((await ctx.users.lookup(command.user_id)).locale);
  await ctx.client.views
    .open({ trigger_id: command.trigger_id, view: settingsView(lang, { team, channel: command.channel_id }) })
    .catch((error: unknown) => ctx.logger.warn({ err: errorText(error) }, "slack-settings-modal-failed"));
}

/** The changes a submission chose, in `/settings`' words (only the form's own fields and values). */
function changesOf(
  values: Record<string, Record<string, { selected_option?: { value?: string } | null }>>,
): string {
  const known = new Map(
    fields("en").map((field) => [field.block, new Set(field.options.map((o) => o.value))]),
  );
  const changes: string[] = [];
  for (const [block, allowed] of known) {
    const value = values[block]?.[SELECT]?.selected_option?.value;
    if (value && allowed.has(value)) changes.push(`${block} ${value}`);
  }
  return changes.join("; ");
}

/** The form's `view_submission`: queued as a `settings` action, answered privately; acknowledged once queued. */
export function registerSettingsSubmission(app: App, ctx: InboundContext): void {
  app.view(SETTINGS_CALLBACK_ID, async ({ ack, view, body }) => {
    const metadata = readMetadata(view.private_metadata);
    if (!metadata) return void (await ack());
    const changes = changesOf(view.state.values as Parameters<typeof changesOf>[0]);
    try {
      await deliverInbound(ctx, {
        id: `view-${view.id}`,
        ref: ephemeralRef(metadata.team || body.team?.id || "", metadata.channel, body.user.id),
        user: { id: body.user.id },
        text: "",
        attachments: [],
        action: changes ? { kind: "settings", arg: changes } : { kind: "settings" },
      });
    } catch {
      const lang = langFromLocale((await ctx.users.lookup(body.user.id)).locale);
      await ack({ response_action: "errors", errors: { ratio: text(lang, "slack_settings_not_saved") } });
      return;
    }
    await ack();
  });
}

function readMetadata(raw: string): { team: string; channel: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { team, channel } = parsed as Record<string, unknown>;
    return typeof team === "string" && typeof channel === "string" && channel ? { team, channel } : undefined;
  } catch {
    return undefined;
  }
}
