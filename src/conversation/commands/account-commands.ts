import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import { errorReply } from "../../core/conversation/replies.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Intent } from "../../core/conversation/router.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { NemoClient } from "../../core/nemo/client.js";
import { isNemoError } from "../../core/nemo/errors.js";
import { type AccountStore, accountIdOf } from "../../store/account-store.js";
import type { CommandHandler } from "./answers.js";

export interface AccountParts {
  accounts: Pick<AccountStore, "enabled" | "openFor" | "save" | "remove" | "info">;
  client: Pick<NemoClient, "credits">;
  sessions: Pick<SessionManager, "find">;
  logger: Logger;
}

/** Login, logout, "which account", and the warning about a pasted token: private where possible. */
export function accountCommand(parts: AccountParts): CommandHandler {
  return async ({ inbound, lang, intent, answer }) => {
    const reply = await accountReply(parts, inbound, lang, intent);
    // A pasted secret's warning goes to the sender alone where the platform allows (Slack: ephemeral).
    if (intent.kind === "token_pasted" && !inbound.privateReplyTo) return answer.tell(reply);
    // The command's private address first; a typed "whoami" has none: the sender's DM (even a masked
    // token is theirs alone).
    if (!(await answer.onlyToSender(reply)))
      await answer.tell({ text: text(lang, "account_private_failed") });
  };
}

/** What became of the message that held the pasted secret, where the sender can still see it. */
function pastedMessageNote(inbound: Inbound, lang: Lang): string | undefined {
  if (inbound.ref.platform === "slack") return text(lang, "token_pasted_slack");
  if (inbound.pastedSecretDeleted === undefined) return undefined;
  return text(lang, inbound.pastedSecretDeleted ? "token_pasted_deleted" : "token_pasted_not_deleted");
}

/** How a user opens the private login form on their platform. */
function loginCommand(inbound: Inbound): string {
  return inbound.ref.platform === "slack" ? "/nemo login" : "/login";
}

/**
 * The answers of `/login`, `/logout`, `/whoami` (`/nemo account`) and of a message that looked like a
 * token. The token itself arrives sealed (see the intake), is opened only here, checked with a credits
 * call, and stored sealed again; nothing of it but its masked form is ever shown or logged.
 */
async function accountReply(
  parts: AccountParts,
  inbound: Inbound,
  lang: Lang,
  intent: Intent,
): Promise<Reply> {
  const { accounts, logger } = parts;
  const log = logger.child({ trace: inbound.id, command: intent.kind });
  const own = accountIdOf(inbound.ref.platform, inbound.user.id);
  switch (intent.kind) {
    case "token_pasted": {
      // Never the text: only that a secret was pasted, and whether its message is gone.
      log.warn({ user: inbound.user.id, deleted: inbound.pastedSecretDeleted }, "token-pasted-not-forwarded");
      const warning = text(lang, "token_pasted", { command: loginCommand(inbound) });
      const note = pastedMessageNote(inbound, lang);
      return { text: note ? `${warning}\n${note}` : warning, tone: "error" };
    }
    case "login": {
      if (!accounts.enabled) return { text: text(lang, "accounts_off") };
      if (!intent.arg && inbound.ref.platform === "console") return { text: text(lang, "login_console") };
      if (!intent.arg) return { text: text(lang, "login_use_form", { command: loginCommand(inbound) }) };
      const token = accounts.openFor(`login:${inbound.id}`, intent.arg);
      if (!token) return { text: text(lang, "login_rejected"), tone: "error" };
      try {
        const credits = await parts.client.credits({ platform: inbound.ref.platform, token });
        const info = await accounts.save(own, token);
        log.info("account-linked");
        return { text: text(lang, "login_done", { masked: info.masked, available: credits.available }) };
      } catch (error) {
        if (isNemoError(error) && error.code === "NEMO_AUTH") {
          log.info("account-link-refused");
          return { text: text(lang, "login_rejected"), tone: "error" };
        }
        return errorReply(error, lang);
      }
    }
    case "logout": {
      if (!accounts.enabled) return { text: text(lang, "accounts_off") };
      const removed = await accounts.remove(own);
      log.info({ removed }, "account-unlinked");
      return { text: text(lang, removed ? "logout_done" : "logout_none") };
    }
    default: {
      const record = await parts.sessions.find(inbound.ref);
      const threadInfo = record?.account ? await accounts.info(record.account) : undefined;
      const thread = !record
        ? text(lang, "account_thread_none")
        : record.account
          ? text(lang, "account_thread_user", { masked: threadInfo?.masked ?? "••••" })
          : text(lang, "account_thread_bot");
      const mine = accounts.enabled ? await accounts.info(own) : undefined;
      const yours = !accounts.enabled
        ? text(lang, "accounts_off")
        : !mine
          ? text(lang, "account_yours_none", { command: loginCommand(inbound) })
          : mine.readable
            ? text(lang, "account_yours", { masked: mine.masked })
            : text(lang, "account_yours_unreadable", { masked: mine.masked, command: loginCommand(inbound) });
      return { text: `${thread}\n${yours}` };
    }
  }
}
