import type { ButtonInteraction, StringSelectMenuInteraction } from "discord.js";
import { decodeCustomId } from "../common/buttons.js";
import { CHOOSE_CUSTOM_ID, QUICK_SELECT_ID } from "../common/component-ids.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { clickedConversation, ephemeral, handClick } from "./interaction-place.js";
import { modalFor, modalOfButton } from "./modals.js";

/**
 * A button click: the `custom_id` is validated (known kind, argument format) and the click must be in a
 * conversation (a thread or a DM) the allowlists permit, else it is refused with an ephemeral note. A
 * valid click is acknowledged with `deferUpdate()` and becomes an `Inbound` action with the interaction id.
 */
export async function handleButton(interaction: ButtonInteraction, ctx: InboundContext): Promise<void> {
  const modal = modalOfButton(interaction.customId);
  if (modal) {
    await openModal(interaction, modal, ctx);
    return;
  }
  await handleAction(interaction, interaction.customId, ctx);
}

/** A choice in the select menu that stands in for more than five buttons: handled as that button. */
export async function handleChoice(
  interaction: StringSelectMenuInteraction,
  ctx: InboundContext,
): Promise<void> {
  const menus = [CHOOSE_CUSTOM_ID, QUICK_SELECT_ID];
  const chosen = menus.includes(interaction.customId) ? (interaction.values[0] ?? "") : "";
  const modal = modalOfButton(chosen);
  if (modal) await openModal(interaction, modal, ctx);
  else await handleAction(interaction, chosen, ctx);
}

/** Opens the Edit or Add-media modal (answering the click with it), in a conversation the lists allow. */
async function openModal(
  interaction: ButtonInteraction | StringSelectMenuInteraction,
  modal: "edit" | "media",
  ctx: InboundContext,
): Promise<void> {
  const log = ctx.logger.child({ interaction: interaction.id });
  if (!(await clickedConversation(interaction, ctx, log))) return;
  await interaction.showModal(modalFor(modal, interaction.locale));
}

/** A click (or choice) naming an action by `custom_id`. */
async function handleAction(
  interaction: ButtonInteraction | StringSelectMenuInteraction,
  customId: string,
  ctx: InboundContext,
): Promise<void> {
  const locale = interaction.locale;
  const action = decodeCustomId(customId);
  const log = ctx.logger.child({ interaction: interaction.id });
  if (!action) {
    log.info({ customId: customId.slice(0, 100) }, "discord-button-invalid");
    await interaction.reply(ephemeral(discordText(locale, "button_invalid")));
    return;
  }
  const ref = await clickedConversation(interaction, ctx, log);
  if (!ref) return;
  await handClick(interaction, ctx, ref, action, { log, event: "discord-button-failed" });
}
