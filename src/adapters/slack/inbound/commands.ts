import { randomUUID } from "node:crypto";
import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type { Inbound } from "../../../core/conversation/inbound.js";
import { langFromLocale } from "../../../core/conversation/language.js";
import { text } from "../../../core/conversation/texts.js";
import { ephemeralRef, slackRef } from "../common/slack-ref.js";
import { escapeMrkdwn } from "../render/mrkdwn.js";
import { errorText } from "../web-api/api-errors.js";
import { deliverInbound, type InboundContext } from "./context.js";
import { loginView } from "./login-modal.js";
import { slackTextToPlain } from "./message-text.js";
import { openSettingsModal } from "./settings-modal.js";
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
 * - `/nemo continue CODE` → the project of a continue code in a new thread (opened by a worker once the
 *   code is good); `/nemo continue` alone → where codes come from, ephemeral;
 * - `/nemo <prompt>` → a parent message "🎬 @user: prompt" in the channel, and the conversation runs in
 *   its thread (thread = the parent's ts).
 * Inbound id = `cmd-<trigger_id>` (slash commands are not re-delivered, but the id is unique anyway).
 */
export function registerCommandListener(app: App, ctx: InboundContext): void {
  app.command(/.*/, async ({ ack, command, respond }) => {
    const team = ctx.workspace() ?? command.team_id;
    const prompt = slackTextToPlain(command.text ?? "", ctx.botUserId);
    const word = prompt.toLowerCase().replace(/[.!?]+$/, "");
    const allowed = ctx.isAllowed(command.channel_id);
    const atOnce = word === "" || word === "help" || word === "continue" || THREAD_COMMANDS.has(word);
    if (!allowed || atOnce) {
      await ack();
      // Nothing is queued: answered after the acknowledgement, in the user's language.
      void answerAtOnce(ctx, respond, command.user_id, allowed ? word : undefined);
      return;
    }
    if (word === "login") {
      await ack();
      await openLoginModal(ctx, command, team);
      return;
    }
    // Settings (issue 21): `/nemo settings` opens the form; `/nemo settings ratio 9:16` is queued as typed.
    if (word === "settings") {
      await ack();
      await openSettingsModal(ctx, command, team);
      return;
    }
    await deliverInbound(ctx, commandInbound(command, team, word, prompt));
    await ack();
  });
}

/** Help, a refusal (`word` undefined: not allowed here), or the note that `word` works in a thread. */
async function answerAtOnce(
  ctx: InboundContext,
  respond: RespondFn,
  user: string,
  word: string | undefined,
): Promise<void> {
  const lang = langFromLocale((await ctx.users.lookup(user)).locale);
  if (word === undefined) return ephemeral(ctx, respond, slackText(lang, "not_allowed"));
  // Continue anywhere: a code is asked for in the project's thread (its 🔑 button).
  if (word === "continue") return ephemeral(ctx, respond, text(lang, "move_code_where"));
  if (THREAD_COMMANDS.has(word))
    return ephemeral(ctx, respond, slackText(lang, "thread_only", { command: word }));
  return ephemeral(ctx, respond, `${text(lang, "help")}\n\n${slackText(lang, "usage")}`);
}

/** The modal must open within the trigger's 3 seconds: no queue in between (the token is typed there). */
async function openLoginModal(ctx: InboundContext, command: SlashCommand, team: string): Promise<void> {
  const lang = langFromLocale(
    (await ctx.users.lookup(command.user_id).catch(() => ({ locale: undefined }))).locale,
  );
  await ctx.client.views
    .open({ trigger_id: command.trigger_id, view: loginView(lang, { team, channel: command.channel_id }) })
    .catch((error: unknown) => ctx.logger.warn({ err: errorText(error) }, "slack-login-modal-failed"));
}

/** What a queued command asks the core for: the user's own account or usage, privately, or a new conversation. */
function commandInbound(command: SlashCommand, team: string, word: string, prompt: string): Inbound {
  const { user_id: user, channel_id: channel } = command;
  const base = {
    id: `cmd-${command.trigger_id || randomUUID()}`,
    user: { id: user },
    text: "",
    attachments: [],
  };
  // Answered only to the user (ephemeral), wherever the command was used.
  const privately = ephemeralRef(team, channel, user);
  if (word === "usage") return { ...base, ref: privately, action: { kind: "usage" } };
  // Settings (issue 21): a typed change, answered only to the user.
  if (word.startsWith("settings ")) {
    const arg = prompt.slice("settings".length).trim();
    return {
      ...base,
      ref: privately,
      action: { kind: "settings", arg },
      privateReplyTo: command.response_url,
    };
  }
  const account = ACCOUNT_WORDS[word];
  if (account) return { ...base, ref: privately, action: { kind: account } };
  // Continue anywhere: `/nemo continue CODE` binds the project to a new thread, opened once the code is good.
  const code = /^continue\s+(\S+)$/i.exec(prompt.trim())?.[1];
  if (code) {
    const opening = {
      ref: slackRef(team, channel, ""),
      newThread: true,
      privateReplyTo: command.response_url,
    };
    return { ...base, ...opening, action: { kind: "move_here", arg: code } };
  }
  if (word === "credits" || word === "balance" || word === "history") {
    const kind = word === "history" ? "history" : "credits";
    return { ...base, ref: privately, action: { kind }, privateReplyTo: command.response_url };
  }
  // The parent message "🎬 @user: prompt" and its thread are posted by a worker.
  return {
    ...base,
    ref: slackRef(team, channel, ""),
    newThread: true,
    text: prompt,
    privateReplyTo: command.response_url,
  };
}

/** An ephemeral answer through the command's `response_url` (works even where the bot is no member). */
async function ephemeral(ctx: InboundContext, respond: RespondFn, message: string): Promise<void> {
  try {
    await respond({ response_type: "ephemeral", text: escapeMrkdwn(message) });
  } catch (error) {
    ctx.logger.info({ err: errorText(error) }, "slack-respond-failed");
  }
}
