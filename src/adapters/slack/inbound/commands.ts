import { randomUUID } from "node:crypto";
import type { App, RespondFn } from "@slack/bolt";
import { langFromLocale } from "../../../core/conversation/language.js";
import { text } from "../../../core/conversation/texts.js";
import { escapeMrkdwn } from "../outbound/mrkdwn.js";
import { ephemeralRef, slackRef } from "../slack-ref.js";
import { errorText } from "../web-api/api-errors.js";
import { deliverInbound, type InboundContext } from "./context.js";
import { loginView } from "./login-modal.js";
import { slackTextToPlain } from "./message-text.js";
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

/** `/nemo logout`, `/nemo account` (and `whoami`): the user's own account, answered ephemerally. */
const ACCOUNT_WORDS: Readonly<Record<string, "logout" | "account">> = {
  logout: "logout",
  account: "account",
  whoami: "account",
};

/**
 * The slash command (`/nemo`, whatever name the app gives it). Acknowledged (empty: nothing is echoed)
 * once the command is queued — or at once when it queues nothing — then:
 * - `/nemo` or `/nemo help` → help, ephemeral;
 * - `/nemo credits` / `/nemo history` → the balance / the user's last exports, ephemeral (a conversation whose thread is `ephemeral:<user>`);
 * - `/nemo usage` → the user's use and limits (an admin's: the workspace's), ephemeral likewise;
 * - `/nemo status|new|export|cancel|retry|upload` → an ephemeral note that these work inside a
 *   conversation thread (reply the word there, or tap the thread's buttons);
 * - `/nemo <prompt>` → a parent message "🎬 @user: prompt" in the channel, and the conversation runs in
 *   its thread (thread = the parent's ts).
 * Inbound id = `cmd-<trigger_id>` (slash commands are not re-delivered, but the id is unique anyway).
 */
export function registerCommandListener(app: App, ctx: InboundContext): void {
  app.command(/.*/, async ({ ack, command, respond }) => {
    const user = command.user_id;
    const channel = command.channel_id;
    const team = ctx.workspace() ?? command.team_id;
    const prompt = slackTextToPlain(command.text ?? "", ctx.botUserId);
    const word = prompt.toLowerCase().replace(/[.!?]+$/, "");
    const allowed = ctx.isAllowed(channel);

    if (!allowed || word === "" || word === "help" || THREAD_COMMANDS.has(word)) {
      await ack();
      // Nothing is queued: answered after the acknowledgement, in the user's language.
      void (async () => {
        const lang = langFromLocale((await ctx.users.lookup(user)).locale);
        const tell = (message: string) => ephemeral(ctx, respond, message);
        if (!allowed) return tell(slackText(lang, "not_allowed"));
        if (THREAD_COMMANDS.has(word)) return tell(slackText(lang, "thread_only", { command: word }));
        return tell(`${text(lang, "help")}\n\n${slackText(lang, "usage")}`);
      })();
      return;
    }

    const base = {
      id: `cmd-${command.trigger_id || randomUUID()}`,
      user: { id: user },
      attachments: [],
    };
    if (word === "usage") {
      await deliverInbound(ctx, {
        ...base,
        ref: ephemeralRef(team, channel, user),
        text: "",
        action: { kind: "usage" },
      });
      await ack();
      return;
    }
    if (word === "login") {
      await ack();
      // The modal must open within the trigger's 3 seconds: no queue in between (the token is typed there).
      const lang = langFromLocale((await ctx.users.lookup(user).catch(() => ({ locale: undefined }))).locale);
      await ctx.client.views
        .open({ trigger_id: command.trigger_id, view: loginView(lang, { team, channel }) })
        .catch((error: unknown) => ctx.logger.warn({ err: errorText(error) }, "slack-login-modal-failed"));
      return;
    }
    const account = ACCOUNT_WORDS[word];
    if (account) {
      // Answered only to the user (ephemeral), wherever the command was used.
      await deliverInbound(ctx, {
        ...base,
        ref: ephemeralRef(team, channel, user),
        text: "",
        action: { kind: account },
      });
    } else if (word === "credits" || word === "balance" || word === "history") {
      await deliverInbound(ctx, {
        ...base,
        ref: ephemeralRef(team, channel, user),
        text: "",
        action: { kind: word === "history" ? "history" : "credits" },
        privateReplyTo: command.response_url,
      });
    } else {
      // The parent message "🎬 @user: prompt" and its thread are posted by a worker.
      await deliverInbound(ctx, {
        ...base,
        ref: slackRef(team, channel, ""),
        newThread: true,
        text: prompt,
        privateReplyTo: command.response_url,
      });
    }
    await ack();
  });
}

/** An ephemeral answer through the command's `response_url` (works even where the bot is no member). */
async function ephemeral(ctx: InboundContext, respond: RespondFn, message: string): Promise<void> {
  try {
    await respond({ response_type: "ephemeral", text: escapeMrkdwn(message) });
  } catch (error) {
    ctx.logger.info({ err: errorText(error) }, "slack-respond-failed");
  }
}
