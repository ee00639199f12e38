import {
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
} from "discord.js";
import type { ConversationRef } from "../../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { discordStatus } from "../common/rest-failure.js";
import { COMMAND_ACTIONS, type CommandName, isCommandName } from "../setup/slash-commands.js";
import { handleAccountCommand, loginModal, privateAddress } from "./account-interactions.js";
import { channelTarget } from "./channel-thread.js";
import { dmRef, threadRef, toAttachment } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { ephemeral, existingConversation, placeOf, refusedPlace, userOf } from "./interaction-place.js";
import { isPlaceAllowed, type Place } from "./place-policy.js";

/**
 * A slash command: refused (ephemeral) outside the allowlists; otherwise deferred at once (ephemeral,
 * since the result goes to the thread), mapped to an `Inbound` with the interaction id and posted by the
 * core with the bot token into the thread; the deferred reply then becomes a pointer to a new thread, or
 * is deleted when the command was used in the thread itself. `/video` in a channel starts the thread on
 * a parent message "🎬 @user: prompt" (which pings nobody).
 */
export async function handleCommand(
  interaction: ChatInputCommandInteraction,
  ctx: InboundContext,
): Promise<void> {
  const locale = interaction.locale;
  const log = ctx.logger.child({ interaction: interaction.id, command: interaction.commandName });
  if (isCommandName(interaction.commandName) && needsDirectMessage(interaction)) {
    await handleInDirectMessage(interaction, interaction.commandName, ctx, log);
    return;
  }
  const place = placeOf(interaction);
  if (!isCommandName(interaction.commandName) || !place) {
    await interaction.reply(ephemeral(discordText(locale, "unknown_command")));
    return;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return;
  const name: CommandName = interaction.commandName;
  // The user's own account: a private form, or private answers, wherever the command is used.
  if (name === "login") return void (await interaction.showModal(loginModal(locale)));
  if (name === "logout" || name === "whoami") {
    return handleAccountCommand(interaction, COMMAND_ACTIONS[name], ctx);
  }
  await deferredCommand(interaction, log, async () => {
    let ref =
      existingConversation(place) ??
      (name === "usage" || name === "history" || name === "settings" ? placeRef(place) : undefined);
    let created = false;
    if (!ref) {
      const target = await channelTarget(interaction, name, place, log);
      if (typeof target === "string") {
        await interaction.editReply({ content: target, allowedMentions: { parse: [] } });
        return;
      }
      ref = target;
      created = true;
      await interaction.editReply({ content: discordText(locale, "continuing_in", { thread: ref.thread }) });
    }
    await ctx.handler.handle(commandInbound(interaction, name, ref, ctx));
    if (!created) await interaction.deleteReply();
  });
}

/**
 * Whether the bot cannot post where the interaction happened, so the conversation moves to the user's
 * DM with the bot: a user-installed command in a private channel (a DM or group DM without the bot,
 * `context: 2`), or in a server that did not install the bot (only the user authorized it).
 */
function needsDirectMessage(interaction: ChatInputCommandInteraction): boolean {
  if (interaction.context === InteractionContextType.PrivateChannel) return true;
  const owners = interaction.authorizingIntegrationOwners ?? {};
  return (
    interaction.context === InteractionContextType.Guild &&
    owners[ApplicationIntegrationType.GuildInstall] === undefined &&
    owners[ApplicationIntegrationType.UserInstall] !== undefined
  );
}

/** `/usage` or `/history` in a channel: the place itself (the answer is private; nothing is posted there). */
function placeRef(place: Place): ConversationRef | undefined {
  return place.guildId ? threadRef(place.guildId, place.channelId, place.channelId) : undefined;
}

/**
 * A user-installed command where the bot cannot post: deferred (ephemeral), then the conversation is the
 * user's DM with the bot (opened over REST), which the deferred reply points to. DMs must be allowed.
 */
async function handleInDirectMessage(
  interaction: ChatInputCommandInteraction,
  name: CommandName,
  ctx: InboundContext,
  log: Logger,
): Promise<void> {
  const locale = interaction.locale;
  await deferredCommand(interaction, log, async () => {
    const dm = await interaction.user.createDM();
    if (!isPlaceAllowed({ guildId: null, channelId: dm.id, parentId: null }, ctx.lists)) {
      log.info({ channel: dm.id }, "discord-place-refused");
      await interaction.editReply({ content: discordText(locale, "place_refused") });
      return;
    }
    const inbound = commandInbound(interaction, name, dmRef(dm.id), ctx);
    // In a guild the bot is not in: a place with no admin, whatever the member may do there.
    if (interaction.context === InteractionContextType.Guild) inbound.user.place = "discord-user-install";
    await ctx.handler.handle(inbound);
    log.info({ context: interaction.context, channel: dm.id }, "discord-user-install-to-dm");
    await interaction.editReply({
      content: discordText(locale, "continuing_in_dm"),
      allowedMentions: { parse: [] },
    });
  });
}

/** Defers the command privately, then runs `work`; a failure is logged and the deferred reply says so. */
async function deferredCommand(
  interaction: ChatInputCommandInteraction,
  log: Logger,
  work: () => Promise<void>,
): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    await work();
  } catch (error) {
    log.warn({ status: discordStatus(error), err: String(error) }, "discord-command-failed");
    await interaction
      .editReply({ content: discordText(interaction.locale, "failed") })
      .catch(() => undefined);
  }
}

function commandInbound(
  interaction: ChatInputCommandInteraction,
  name: CommandName,
  ref: ConversationRef,
  ctx: InboundContext,
): Inbound {
  const base = {
    id: interaction.id,
    ref,
    user: userOf(interaction, ctx),
    locale: interaction.locale,
    // A private answer (an admin's note) goes as an ephemeral follow-up of the command.
    privateReplyTo: privateAddress(interaction),
  };
  const action = COMMAND_ACTIONS[name];
  // Continue anywhere: `/continue code:…` redeems the code (hashed by the intake, never kept in clear).
  const code = name === "continue" ? interaction.options.getString("code")?.trim() : undefined;
  if (code) return { ...base, text: "", attachments: [], action: { kind: "move_here", arg: code } };
  if (action !== "prompt") return { ...base, text: "", attachments: [], action: { kind: action } };
  const file = interaction.options.getAttachment("file");
  return {
    ...base,
    text: interaction.options.getString("prompt", true).trim(),
    attachments: file ? [toAttachment(file)] : [],
  };
}
