/**
 * Every kind of sealed value the bot keeps in Redis, and what each is bound to (the AES-GCM associated
 * data): a value sealed for one owner does not open as another's. Shared by the stores that seal them,
 * the Slack installation store, `secrets reseal` and `doctor`.
 */
export const SEALED_KINDS = ["slack-installation", "account", "anonymous-token", "reply-address"] as const;

export type SealedKind = (typeof SEALED_KINDS)[number];

/** A Slack installation ↔ its workspace (team or enterprise id). */
export function installationOwner(workspace: string): string {
  return `slack-installation:${workspace}`;
}

/** A linked NemoVideo token ↔ its member: their account id, `<platform>:<user id>`. */
export function accountOwner(accountId: string): string {
  return accountId;
}

/** The shared account's anonymous token ↔ its key in the key/value store. */
export function kvOwner(key: string): string {
  return `kv:${key}`;
}

/** A command's private reply address (interaction token, `response_url`) ↔ its event, i.e. its job. */
export function replyOwner(inboundId: string): string {
  return `reply-address:${inboundId}`;
}
