import { UnreadableSecretError } from "./secret-box.js";

/**
 * Every kind of sealed value the bot keeps in Redis, and what each is bound to (the AES-GCM associated
 * data): a value sealed for one owner does not open as another's. Shared by the stores that seal them,
 * the Slack installation store, `secrets reseal` and `doctor`.
 */
export const SEALED_KINDS = ["slack-installation", "account", "anonymous-token", "reply-address"] as const;

export type SealedKind = (typeof SEALED_KINDS)[number];

/**
 * The workspace id under which a Slack installation is kept, and which a Slack `ConversationRef` carries:
 * the enterprise id for an org-wide (Enterprise Grid) install — one token serves every workspace of the
 * org, and channel ids are unique across it — else the team id.
 */
export function installationWorkspace(query: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}

/**
 * The installation (its JSON) a stored value holds for `workspace`, opened with `open` (which returns
 * undefined or throws when no configured key opens it). A value of the first format (`v1:`) was sealed
 * without its owner, so it opens only when the installation inside is this workspace's.
 */
export function openInstallation<T extends string | undefined>(
  workspace: string,
  sealed: string,
  open: (sealed: string, owner: string) => T,
): T {
  if (!sealed.startsWith("v1:")) return open(sealed, installationOwner(workspace));
  const plain = open(sealed, "");
  if (plain === undefined) return plain;
  const parsed = JSON.parse(plain) as {
    team?: { id?: string };
    enterprise?: { id?: string };
    isEnterpriseInstall?: boolean;
  };
  const { team, enterprise, isEnterpriseInstall } = parsed;
  if (
    installationWorkspace({ teamId: team?.id, enterpriseId: enterprise?.id, isEnterpriseInstall }) ===
    workspace
  )
    return plain;
  throw new UnreadableSecretError("slack-installation", "rejected");
}

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
