import { MessageFlags, type ModalSubmitInteraction } from "discord.js";
import { discordText } from "./discord-texts.js";
import type { InboundContext } from "./inbound-context.js";
import { clickedConversation, ephemeral, followUpFailed, userOf } from "./interaction-place.js";
import { fileNameOf, MODAL_IDS, readSubmission } from "./modals.js";

/**
 * A submitted modal: the Edit instruction becomes a message of the thread (one turn: the interaction id
 * deduplicates it), the URL of Add media an upload of that URL (no credentials: `auth: "none"`). A URL
 * that is not `http(s)` is refused with an ephemeral note.
 */
export async function handleModalSubmit(
  interaction: ModalSubmitInteraction,
  ctx: InboundContext,
): Promise<void> {
  const locale = interaction.locale;
  const log = ctx.logger.child({ interaction: interaction.id });
  const ref = await clickedConversation(interaction, ctx, log);
  if (!ref) return;
  const submission = readSubmission(interaction.customId, (id) => {
    try {
      return interaction.fields.getTextInputValue(id);
    } catch {
      return undefined;
    }
  });
  if (!submission) {
    const invalid = interaction.customId === MODAL_IDS.media ? "media_invalid" : "button_invalid";
    await interaction.reply(ephemeral(discordText(locale, invalid)));
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
    await followUpFailed(interaction, log, "discord-modal-failed", error);
  }
}
