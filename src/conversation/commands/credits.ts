import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { NemoClient } from "../../core/nemo/client.js";
import { bindLink } from "../../core/nemo/task-link.js";
import { accountHolderOf } from "../../store/account-store.js";
import type { Permissions } from "../policies/permissions.js";
import { threadCalls } from "../thread-account.js";
import type { CommandAsk, CommandHandler } from "./answers.js";
import type { ThreadCallParts } from "./command-parts.js";

export interface CreditsParts extends ThreadCallParts {
  client: Pick<NemoClient, "credits" | "isAnonymous" | "tokens" | "webUrl">;
  permissions: Pick<Permissions, "may">;
  logger: Logger;
}

/**
 * The balance of the account the thread uses (or the asker's own before the thread has a session). The
 * bot's shared account's balance is posted in the thread; a member's own account's only to that member,
 * privately (others read that it is private, and no backend call is made for them).
 */
export function creditsCommand(parts: CreditsParts): CommandHandler {
  return async (ask) => {
    const { inbound, lang, answer } = ask;
    const calls = await threadCalls(parts, inbound.ref, { userId: inbound.user.id });
    if (calls.account) {
      const holder = accountHolderOf(calls.account.id);
      if (!(await parts.permissions.may("own-balance", inbound.ref, inbound.user, holder)))
        return answer.tell({ text: text(lang, "credits_own_private") });
      const credits = await parts.client.credits(calls.ctx);
      // Never the thread: a typed "credits" has no private address (Discord: their DM with the bot).
      if (await answer.onlyToSender({ text: text(lang, "credits", { ...credits }) })) return;
      return answer.tell({ text: text(lang, "credits_own_private") });
    }
    const credits = await parts.client.credits(calls.ctx);
    await answer.post({ text: text(lang, "credits", { ...credits }) });
    if (await parts.permissions.may("bind-link", inbound.ref, inbound.user)) await tellBindLink(parts, ask);
  };
}

/**
 * The bot's anonymous account can be claimed by registering with its bind link: that is the
 * operator's to do, so the link goes to an operator who asks for credits, privately, and nowhere else.
 */
async function tellBindLink(parts: CreditsParts, { inbound, lang, answer }: CommandAsk): Promise<void> {
  const { client, logger } = parts;
  if (!client.isAnonymous) return;
  const userId = await client.tokens.anonymousUserId();
  if (!userId) return;
  const url = bindLink(client.webUrl, userId);
  const told = await answer.onlyToSender({
    text: text(lang, "admin_bind_note"),
    links: [{ label: text(lang, "link_register"), url }],
  });
  logger.info({ trace: inbound.id, told }, "operator-bind-link");
}
