import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
  MessageFlags,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from "discord.js";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { privateAddress } from "./account-interactions.js";
import { dmRef, threadRef } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { interactionAdmin } from "./member-admin.js";
import { isPlaceAllowed, type Place } from "./place-policy.js";

/** The interactions that happen in a place the allowlists decide about. */
export type PlacedInteraction =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | StringSelectMenuInteraction
  | ModalSubmitInteraction;

/** Where the interaction happened; undefined when Discord did not say which channel. */
export function placeOf(interaction: PlacedInteraction): Place | undefined {
  if (!interaction.channelId) return undefined;
  const channel = interaction.channel;
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    parentId: channel?.isThread() ? channel.parentId : null,
  };
}

/** The conversation of a place that is one already: a thread, or a DM. */
export function existingConversation(place: Place): ConversationRef | undefined {
  if (place.guildId === null) return dmRef(place.channelId);
  if (place.parentId) return threadRef(place.guildId, place.parentId, place.channelId);
  return undefined;
}

/** Refuses (ephemerally, and logs) an interaction from a place outside the allowlists. */
export async function refusedPlace(
  interaction: PlacedInteraction,
  place: Place,
  ctx: InboundContext,
  log: Logger,
): Promise<boolean> {
  if (isPlaceAllowed(place, ctx.lists)) return false;
  log.info({ channel: place.channelId, guild: place.guildId ?? "dm" }, "discord-place-refused");
  await interaction.reply(ephemeral(discordText(interaction.locale, "place_refused")));
  return true;
}

/**
 * The conversation a click or a modal belongs to, when it is in one (a thread or a DM) the lists
 * allow; otherwise the user is told why not (ephemerally) and it is undefined.
 */
export async function clickedConversation(
  interaction: Exclude<PlacedInteraction, ChatInputCommandInteraction>,
  ctx: InboundContext,
  log: Logger,
): Promise<ConversationRef | undefined> {
  const place = placeOf(interaction);
  const ref = place && existingConversation(place);
  if (!place || !ref) {
    await interaction.reply(ephemeral(discordText(interaction.locale, "button_outside_thread")));
    return undefined;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return undefined;
  return ref;
}

/** A reply only the user sees, pinging nobody. */
export function ephemeral(content: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  return { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } };
}

/** The member as the core sees them, admin or not in this guild. */
export function userOf(interaction: PlacedInteraction, ctx: InboundContext): Inbound["user"] {
  const member = interaction.member;
  const name = member && "displayName" in member ? member.displayName : interaction.user.displayName;
  return { id: interaction.user.id, name, admin: interactionAdmin(interaction, ctx.adminRoles) };
}

/** A click or a modal could not be handed to the core: logged, and the user is told privately. */
export async function followUpFailed(
  interaction: Exclude<PlacedInteraction, ChatInputCommandInteraction>,
  log: Logger,
  event: string,
  error: unknown,
): Promise<void> {
  log.warn({ err: String(error) }, event);
  await interaction.followUp(ephemeral(discordText(interaction.locale, "failed"))).catch(() => undefined);
}

/**
 * A click or choice in `ref`, deferred and handed to the core as `action` from its clicker (with the
 * interaction's private reply address); a failure is logged as `failedEvent` and told privately.
 */
export async function handClick(
  interaction: ButtonInteraction | StringSelectMenuInteraction,
  ctx: InboundContext,
  ref: ConversationRef,
  action: NonNullable<Inbound["action"]>,
  failed: { log: Logger; event: string },
): Promise<void> {
  await interaction.deferUpdate();
  try {
    await ctx.handler.handle({
      id: interaction.id,
      ref,
      user: userOf(interaction, ctx),
      text: "",
      attachments: [],
      locale: interaction.locale,
      action,
      privateReplyTo: privateAddress(interaction),
    });
  } catch (error) {
    await followUpFailed(interaction, failed.log, failed.event, error);
  }
}
