import type { Interaction } from "discord.js";
import { handleLoginModal, LOGIN_MODAL_ID } from "./account-interactions.js";
import { handleButton, handleChoice } from "./component-click.js";
import type { InboundContext } from "./inbound-context.js";
import { handleModalSubmit } from "./modal-submit.js";
import { handleSettingsChoice, isSettingsMenu } from "./settings-choice.js";
import { handleCommand } from "./slash-command.js";

/** Slash commands, button clicks, choices in a select menu and modal submissions; others are not the bot's. */
export async function handleInteraction(interaction: Interaction, ctx: InboundContext): Promise<void> {
  if (interaction.isChatInputCommand()) await handleCommand(interaction, ctx);
  else if (interaction.isButton()) await handleButton(interaction, ctx);
  else if (interaction.isModalSubmit() && interaction.customId === LOGIN_MODAL_ID)
    await handleLoginModal(interaction, ctx);
  else if (interaction.isModalSubmit()) await handleModalSubmit(interaction, ctx);
  // Settings (issue 21): a choice in a `/settings` menu
  else if (interaction.isStringSelectMenu() && isSettingsMenu(interaction.customId))
    await handleSettingsChoice(interaction, ctx);
  else if (interaction.isStringSelectMenu()) await handleChoice(interaction, ctx);
}
