import type { ConversationRef } from "../core/conversation/conversation-ref.js";
import type { ConversationRecord } from "../core/conversation/conversation-store.js";
import type { SessionManager } from "../core/conversation/session-manager.js";
import { errorCode } from "../core/error-code.js";
import type { CallContext } from "../core/nemo/client.js";
import { NemoAuthError } from "../core/nemo/errors.js";
import type { Platform } from "../core/nemo/types.js";
import { type AccountStore, accountIdOf } from "../store/account-store.js";

/** The account a thread's calls use: a linked user account (id and token), or undefined for the bot's. */
export interface ThreadAccount {
  id: string;
  token: string;
}

/** The call context of a thread, and the account a session created now would belong to. */
export interface ThreadCalls {
  ctx: CallContext;
  account: ThreadAccount | undefined;
  /** The thread's session record as read here (undefined: the thread has no session yet). */
  record: ConversationRecord | undefined;
}

/**
 * Which account a thread's backend calls use. A thread keeps the account that created its session,
 * whoever talks in it; a thread without a session yet takes its starter's linked account (`userId`),
 * if they linked one, else the bot's. A session made with an account that has since been unlinked
 * stops with `NEMO_AUTH` (`userToken`): its owner logs in again, or starts a new thread. A linked
 * account whose token no configured key opens any more stops the same way (`accountUnreadable`), never
 * running silently on the bot's account instead.
 */
export async function threadCalls(
  parts: { sessions: Pick<SessionManager, "find">; accounts: Pick<AccountStore, "token"> },
  ref: ConversationRef,
  options: { userId?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<ThreadCalls> {
  const record = await parts.sessions.find(ref);
  let account: ThreadAccount | undefined;
  if (record?.account) {
    const token = await linkedToken(parts.accounts, record.account);
    if (!token) throw userTokenError("the account of this thread's session is no longer linked", false);
    account = { id: record.account, token };
  } else if (!record && options.userId) {
    const id = accountIdOf(ref.platform, options.userId);
    const token = await linkedToken(parts.accounts, id);
    if (token) account = { id, token };
  }
  const ctx: CallContext = { platform: ref.platform, signal: options.signal };
  if (account) ctx.token = account.token;
  return { ctx, account, record };
}

/**
 * The call context of a session made with `accountId` (the bot's account when undefined). An account no
 * longer linked (`gone` says what), or whose token no configured key opens, stops with `NEMO_AUTH`.
 */
export async function accountCalls(
  accounts: Pick<AccountStore, "token">,
  platform: Platform,
  accountId: string | undefined,
  gone = "the account of this session is no longer linked",
): Promise<CallContext> {
  if (!accountId) return { platform };
  const token = await linkedToken(accounts, accountId);
  if (!token) throw userTokenError(gone, false);
  return { platform, token };
}

async function linkedToken(accounts: Pick<AccountStore, "token">, id: string): Promise<string | undefined> {
  try {
    return await accounts.token(id);
  } catch (error) {
    if (errorCode(error) !== "SECRET_UNREADABLE") throw error;
    throw userTokenError("the linked account's token can no longer be opened (SECRETS_KEY changed)", true);
  }
}

function userTokenError(message: string, unreadable: boolean): NemoAuthError {
  const error = new NemoAuthError(message, false);
  error.userToken = true;
  error.accountUnreadable = unreadable;
  return error;
}
