import { randomUUID } from "node:crypto";
import type { App, RespondFn } from "@slack/bolt";
import { langFromLocale } from "../../core/conversation/language.js";
import { text } from "../../core/conversation/texts.js";
import { deliverInbound, type InboundContext } from "./inbound-context.js";
import { slackTextToPlain } from "./inbound-text.js";
import { escapeMrkdwn } from "./mrkdwn.js";
import { str } from "./payload.js";
import { ephemeralRef, slackRef } from "./slack-ref.js";
import { slackText } from "./slack-texts.js";

/** `/nemo <word>` commands that act on one conversation: they need a thread, which a slash command has not. */
const THREAD_COMMANDS = new Set([
  "status",
  "timeline",
  "tracks",
  "new",
  "export",
  "download",
  "cancel",
  "retry",
  "upload",
]);

/**
 * The slash command (`/nemo`, whatever name the app gives it). Acked at once (empty ack: nothing is
 * echoed), then:
 * - `/nemo` or `/nemo help` → help, ephemeral;
 * - `/nemo credits` → the balance, ephemeral (a conversation whose thread is `ephemeral:<user>`);
 * - `/nemo status|new|export|cancel|retry|upload` → an ephemeral note that these work inside a
 *   conversation thread (reply the word there, or tap the thread's buttons);
 * - `/nemo <prompt>` → a parent message "🎬 @user: prompt" in the channel, and the conversation runs in
 *   its thread (thread = the parent's ts).
 * Inbound id = `cmd-<trigger_id>` (slash commands are not re-delivered, but the id is unique anyway).
 */
export function registerCommandListener(app: App, ctx: InboundContext): void {
  app.command(/.*/, async ({ ack, command, respond }) => {
    await ack();
    const user = command.user_id;
    const channel = command.channel_id;
    const team = command.team_id;
    const info = await ctx.users.lookup(user);
    const lang = langFromLocale(info.locale);
    const tell = (message: string) => ephemeral(ctx, respond, message);
    if (!ctx.isAllowed(channel)) return tell(slackText(lang, "not_allowed"));

    const prompt = slackTextToPlain(command.text ?? "", ctx.botUserId);
    const word = prompt.toLowerCase().replace(/[.!?]+$/, "");
    const id = `cmd-${str(command, "trigger_id") ?? randomUUID()}`;
    const base = { id, user: { id: user, name: info.name }, attachments: [], locale: info.locale };

    if (word === "" || word === "help") return tell(`${text(lang, "help")}\n\n${slackText(lang, "usage")}`);
    if (word === "credits" || word === "balance") {
      const taken = await deliverInbound(ctx, {
        ...base,
        ref: ephemeralRef(team, channel, user),
        text: "",
        action: { kind: "credits" },
      });
      return taken ? undefined : tell(text(lang, "internal_error"));
    }
    if (THREAD_COMMANDS.has(word)) return tell(slackText(lang, "thread_only", { command: word }));

    let parentTs: string | undefined;
    try {
      const parent = await ctx.client.chat.postMessage({
        channel,
        text: `🎬 <@${user}>: ${escapeMrkdwn(prompt)}`,
        unfurl_links: false,
        unfurl_media: false,
      });
      parentTs = parent.ts;
    } catch (error) {
      ctx.logger.info({ channel, err: (error as Error).message }, "slack-parent-post-failed");
    }
    if (!parentTs) return tell(slackText(lang, "cannot_post"));
    ctx.threads.remember(channel, parentTs);
    const taken = await deliverInbound(ctx, {
      ...base,
      ref: slackRef(team, channel, parentTs),
      text: prompt,
    });
    if (!taken) await tell(text(lang, "internal_error"));
  });
}

/** An ephemeral answer through the command's `response_url` (works even where the bot is no member). */
async function ephemeral(ctx: InboundContext, respond: RespondFn, message: string): Promise<void> {
  try {
    await respond({ response_type: "ephemeral", text: escapeMrkdwn(message) });
  } catch (error) {
    ctx.logger.info({ err: (error as Error).message }, "slack-respond-failed");
  }
}
