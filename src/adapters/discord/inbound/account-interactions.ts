import {
  ActionRowBuilder,
  type ChatInputCommandInteraction,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../../core/conversation/inbound.js";
import { dmRef, threadRef } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";

/** The login modal's `custom_id` and its text input's. */
export const LOGIN_MODAL_ID = "nemo:login";
const TOKEN_INPUT_ID = "token";

/** The `/login` modal: one required text input for the token. */
export function loginModal(locale: string): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId(TOKEN_INPUT_ID)
    .setLabel(discordText(locale, "login_label"))
    .setStyle(TextInputStyle.Short)
    .setRequired(true)
    .setMinLength(8)
    .setMaxLength(500);
  return new ModalBuilder()
    .setCustomId(LOGIN_MODAL_ID)
    .setTitle(discordText(locale, "login_title"))
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

/**
 * Where an account command's answer goes: privately, as a follow-up of the interaction (its token is
 * valid 15 minutes; the core's worker answers well within that).
 */
export function privateAddress(interaction: { applicationId: string; token: string }): string {
  return `interaction:${interaction.applicationId}:${interaction.token}`;
}

/** The conversation an interaction is in; a channel outside a thread stands for itself (nothing is posted there). */
function placeRef(interaction: ChatInputCommandInteraction | ModalSubmitInteraction): ConversationRef {
  const channelId = interaction.channelId ?? "";
  if (!interaction.guildId) return dmRef(channelId);
  const channel = interaction.channel;
  if (channel?.isThread() && channel.parentId)
    return threadRef(interaction.guildId, channel.parentId, channelId);
  return threadRef(interaction.guildId, channelId, channelId);
}

function userOf(interaction: ChatInputCommandInteraction | ModalSubmitInteraction): Inbound["user"] {
  return { id: interaction.user.id, name: interaction.user.displayName };
}

/**
 * `/logout` and `/whoami`: answered only to the user, wherever they are used. Deferred (ephemeral) at
 * once; the worker's answer is an ephemeral follow-up.
 */
export async function handleAccountCommand(
  interaction: ChatInputCommandInteraction,
  kind: "logout" | "account",
  ctx: InboundContext,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await queuePrivately(interaction, ctx, { kind });
}

/** The login modal submitted: its token goes to the core as a `login` action (sealed by the intake, never logged). */
export async function handleLoginModal(
  interaction: ModalSubmitInteraction,
  ctx: InboundContext,
): Promise<void> {
  const token = interaction.fields.getTextInputValue(TOKEN_INPUT_ID).trim();
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await queuePrivately(interaction, ctx, { kind: "login", arg: token });
}

async function queuePrivately(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  ctx: InboundContext,
  action: NonNullable<Inbound["action"]>,
): Promise<void> {
  try {
    await ctx.handler.handle({
      id: interaction.id,
      ref: placeRef(interaction),
      user: userOf(interaction),
      text: "",
      attachments: [],
      locale: interaction.locale,
      action,
      privateReplyTo: privateAddress(interaction),
    });
    await interaction.deleteReply().catch(() => undefined);
  } catch (error) {
    ctx.logger.warn(
      { interaction: interaction.id, err: error instanceof Error ? error.message : String(error) },
      "discord-account-command-failed",
    );
    await interaction
      .editReply({ content: discordText(interaction.locale, "failed") })
      .catch(() => undefined);
  }
}
