import type { StringSelectMenuInteraction } from "discord.js";
import { isSettingsChange, settingsMenuOwner } from "../common/settings-menu-ids.js";
import { threadRef } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { ephemeral, existingConversation, handClick, placeOf, refusedPlace } from "./interaction-place.js";

/** Whether a select menu is one of `/settings`' (see settings-menu-ids.ts). */
export function isSettingsMenu(customId: string): boolean {
  return customId.startsWith("nemo:set:");
}

/**
 * Settings (issue 21): a choice in a `/settings` menu. Only the member the menu was opened for may
 * choose (anyone else is refused privately); the choice becomes a `settings` action whose argument is
 * the change, answered privately (an ephemeral follow-up) with the settings as they are now. Whether
 * the member may make the change is decided by the worker (the permission table).
 */
export async function handleSettingsChoice(
  interaction: StringSelectMenuInteraction,
  ctx: InboundContext,
): Promise<void> {
  const locale = interaction.locale;
  const log = ctx.logger.child({ interaction: interaction.id });
  const owner = settingsMenuOwner(interaction.customId);
  const change = interaction.values[0];
  if (owner !== interaction.user.id || !isSettingsChange(change)) {
    log.info({ owner, user: interaction.user.id }, "discord-settings-choice-refused");
    await interaction.reply(ephemeral(discordText(locale, "settings_not_yours")));
    return;
  }
  const place = placeOf(interaction);
  if (!place) {
    await interaction.reply(ephemeral(discordText(locale, "button_outside_thread")));
    return;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return;
  // In a channel (not a thread), the channel stands for itself, as for `/settings` there.
  const ref = existingConversation(place) ?? threadRef(place.guildId ?? "", place.channelId, place.channelId);
  const action = { kind: "settings" as const, arg: change };
  await handClick(interaction, ctx, ref, action, { log, event: "discord-settings-choice-failed" });
}
