import {
  ApplicationIntegrationType,
  type ButtonInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type Interaction,
  InteractionContextType,
  type InteractionReplyOptions,
  MessageFlags,
  type ModalSubmitInteraction,
  type SendableChannels,
  type StringSelectMenuInteraction,
  ThreadAutoArchiveDuration,
} from "discord.js";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import { langFromLocale } from "../../core/conversation/language.js";
import { text as coreText } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import {
  handleAccountCommand,
  handleLoginModal,
  LOGIN_MODAL_ID,
  loginModal,
  privateAddress,
} from "./account-interactions.js";
import { decodeCustomId } from "./buttons.js";
import { dmRef, threadRef, toAttachment } from "./conversation-refs.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { interactionAdmin } from "./member-admin.js";
import { fileNameOf, modalFor, modalOfButton, readSubmission } from "./modals.js";
import { isPlaceAllowed, type Place } from "./place-policy.js";
import { CHOOSE_CUSTOM_ID, escapeText } from "./render-discord.js";
import { COMMAND_ACTIONS, type CommandName, isCommandName } from "./slash-commands.js";
import { MESSAGE_CONTENT_MAX } from "./split-message.js";
import { threadName } from "./thread-names.js";

const THREAD_PARENTS: ReadonlySet<ChannelType> = new Set([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
]);

/** Slash commands, button clicks, choices in a select menu and modal submissions; others are not the bot's. */
export async function handleInteraction(interaction: Interaction, ctx: InboundContext): Promise<void> {
  if (interaction.isChatInputCommand()) await handleCommand(interaction, ctx);
  else if (interaction.isButton()) await handleButton(interaction, ctx);
  else if (interaction.isModalSubmit() && interaction.customId === LOGIN_MODAL_ID)
    await handleLoginModal(interaction, ctx);
  else if (interaction.isModalSubmit()) await handleModalSubmit(interaction, ctx);
  else if (interaction.isStringSelectMenu()) await handleChoice(interaction, ctx);
}

type PlacedInteraction =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | StringSelectMenuInteraction
  | ModalSubmitInteraction;

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

/** Where the interaction happened; undefined when Discord did not say which channel. */
function placeOf(interaction: PlacedInteraction): Place | undefined {
  if (!interaction.channelId) return undefined;
  const channel = interaction.channel;
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    parentId: channel?.isThread() ? channel.parentId : null,
  };
}

/** `/usage` in a channel: the place itself (the report is private; nothing is posted there). */
function placeRef(place: Place): ConversationRef | undefined {
  return place.guildId ? threadRef(place.guildId, place.channelId, place.channelId) : undefined;
}

/** The conversation of a place that is one already: a thread, or a DM. */
function existingConversation(place: Place): ConversationRef | undefined {
  if (place.guildId === null) return dmRef(place.channelId);
  if (place.parentId) return threadRef(place.guildId, place.parentId, place.channelId);
  return undefined;
}

/** Refuses (ephemerally, and logs) an interaction from a place outside the allowlists. */
async function refusedPlace(
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

function ephemeral(content: string): InteractionReplyOptions & { flags: MessageFlags.Ephemeral } {
  return { content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } };
}

function userOf(interaction: PlacedInteraction, ctx: InboundContext): Inbound["user"] {
  const member = interaction.member;
  const name = member && "displayName" in member ? member.displayName : interaction.user.displayName;
  return { id: interaction.user.id, name, admin: interactionAdmin(interaction, ctx.adminRoles) };
}

/**
 * A slash command: refused (ephemeral) outside the allowlists; otherwise deferred at once (ephemeral,
 * since the result goes to the thread), mapped to an `Inbound` with the interaction id and posted by the
 * core with the bot token into the thread; the deferred reply then becomes a pointer to a new thread, or
 * is deleted when the command was used in the thread itself. `/video` in a channel starts the thread on
 * a parent message "🎬 @user: prompt" (which pings nobody).
 */
async function handleCommand(interaction: ChatInputCommandInteraction, ctx: InboundContext): Promise<void> {
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
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    let ref = existingConversation(place) ?? (name === "usage" ? placeRef(place) : undefined);
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
  } catch (error) {
    log.warn(
      { status: (error as { status?: unknown }).status, err: String(error) },
      "discord-command-failed",
    );
    await interaction.editReply({ content: discordText(locale, "failed") }).catch(() => undefined);
  }
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
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const dm = await interaction.user.createDM();
    if (!isPlaceAllowed({ guildId: null, channelId: dm.id, parentId: null }, ctx.lists)) {
      log.info({ channel: dm.id }, "discord-place-refused");
      await interaction.editReply({ content: discordText(locale, "place_refused") });
      return;
    }
    const ref = dmRef(dm.id);
    await ctx.handler.handle(commandInbound(interaction, name, ref, ctx));
    log.info({ context: interaction.context, channel: dm.id }, "discord-user-install-to-dm");
    await interaction.editReply({
      content: discordText(locale, "continuing_in_dm"),
      allowedMentions: { parse: [] },
    });
  } catch (error) {
    log.warn(
      { status: (error as { status?: unknown }).status, err: String(error) },
      "discord-command-failed",
    );
    await interaction.editReply({ content: discordText(locale, "failed") }).catch(() => undefined);
  }
}

/**
 * A command used in a channel (not a thread): `/video` starts a thread there and resolves to its
 * conversation; `/help` answers in place; the others need a thread and resolve to a hint saying so.
 */
async function channelTarget(
  interaction: ChatInputCommandInteraction,
  name: CommandName,
  place: Place,
  log: Logger,
): Promise<ConversationRef | string> {
  const locale = interaction.locale;
  if (name === "help") {
    return `${coreText(langFromLocale(locale), "help")}\n\n${discordText(locale, "start_hint")}`;
  }
  if (name !== "video") return discordText(locale, "use_in_thread", { command: name });
  const channel = interaction.channel ?? (await interaction.client.channels.fetch(place.channelId));
  if (!channel || !THREAD_PARENTS.has(channel.type) || !channel.isSendable() || !place.guildId) {
    return discordText(locale, "channel_unsupported");
  }
  const prompt = interaction.options.getString("prompt", true);
  try {
    const parent = await (channel as SendableChannels).send({
      content: clip(`🎬 <@${interaction.user.id}>: ${escapeText(prompt)}`, MESSAGE_CONTENT_MAX),
      allowedMentions: { parse: [] },
    });
    const thread = await parent.startThread({
      name: threadName(prompt),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return threadRef(place.guildId, place.channelId, thread.id);
  } catch (error) {
    log.warn(
      { channel: place.channelId, status: (error as { status?: unknown }).status },
      "discord-thread-create-failed",
    );
    return discordText(locale, "thread_failed");
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
  if (action !== "prompt") return { ...base, text: "", attachments: [], action: { kind: action } };
  const file = interaction.options.getAttachment("file");
  return {
    ...base,
    text: interaction.options.getString("prompt", true).trim(),
    attachments: file ? [toAttachment(file)] : [],
  };
}

/**
 * A button click: the `custom_id` is validated (known kind, argument format) and the click must be in a
 * conversation (a thread or a DM) the allowlists permit, else it is refused with an ephemeral note. A
 * valid click is acknowledged with `deferUpdate()` and becomes an `Inbound` action with the interaction id.
 */
async function handleButton(interaction: ButtonInteraction, ctx: InboundContext): Promise<void> {
  const modal = modalOfButton(interaction.customId);
  if (modal) {
    await openModal(interaction, modal, ctx);
    return;
  }
  await handleAction(interaction, interaction.customId, ctx);
}

/** A choice in the select menu that stands in for more than five buttons: handled as that button. */
async function handleChoice(interaction: StringSelectMenuInteraction, ctx: InboundContext): Promise<void> {
  const chosen = interaction.customId === CHOOSE_CUSTOM_ID ? (interaction.values[0] ?? "") : "";
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
  const place = placeOf(interaction);
  if (!place || !existingConversation(place)) {
    await interaction.reply(ephemeral(discordText(interaction.locale, "button_outside_thread")));
    return;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return;
  await interaction.showModal(modalFor(modal, interaction.locale));
}

/**
 * A submitted modal: the Edit instruction becomes a message of the thread (one turn: the interaction id
 * deduplicates it), the URL of Add media an upload of that URL (no credentials: `auth: "none"`). A URL
 * that is not `http(s)` is refused with an ephemeral note.
 */
async function handleModalSubmit(interaction: ModalSubmitInteraction, ctx: InboundContext): Promise<void> {
  const locale = interaction.locale;
  const log = ctx.logger.child({ interaction: interaction.id });
  const place = placeOf(interaction);
  const ref = place && existingConversation(place);
  if (!place || !ref) {
    await interaction.reply(ephemeral(discordText(locale, "button_outside_thread")));
    return;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return;
  const submission = readSubmission(interaction.customId, (id) => {
    try {
      return interaction.fields.getTextInputValue(id);
    } catch {
      return undefined;
    }
  });
  if (!submission) {
    await interaction.reply(
      ephemeral(
        discordText(locale, interaction.customId === "nemo:media" ? "media_invalid" : "button_invalid"),
      ),
    );
    return;
  }
  if (interaction.isFromMessage()) await interaction.deferUpdate();
  else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const base = { id: interaction.id, ref, user: userOf(interaction, ctx), locale };
  try {
    await ctx.handler.handle(
      submission.kind === "edit"
        ? { ...base, text: submission.text, attachments: [] }
        : {
            ...base,
            text: "",
            attachments: [{ name: fileNameOf(submission.url), url: submission.url, auth: "none" }],
          },
    );
    log.info({ modal: submission.kind }, "discord-modal-submitted");
    if (!interaction.isFromMessage()) await interaction.deleteReply();
  } catch (error) {
    log.warn({ err: String(error) }, "discord-modal-failed");
    await interaction.followUp(ephemeral(discordText(locale, "failed"))).catch(() => undefined);
  }
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
  const place = placeOf(interaction);
  const ref = place && existingConversation(place);
  if (!place || !ref) {
    await interaction.reply(ephemeral(discordText(locale, "button_outside_thread")));
    return;
  }
  if (await refusedPlace(interaction, place, ctx, log)) return;
  await interaction.deferUpdate();
  try {
    await ctx.handler.handle({
      id: interaction.id,
      ref,
      user: userOf(interaction, ctx),
      text: "",
      attachments: [],
      locale,
      action,
      privateReplyTo: privateAddress(interaction),
    });
  } catch (error) {
    log.warn({ err: String(error) }, "discord-button-failed");
    await interaction.followUp(ephemeral(discordText(locale, "failed"))).catch(() => undefined);
  }
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
