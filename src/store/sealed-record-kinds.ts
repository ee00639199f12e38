import {
  accountOwner,
  installationOwner,
  kvOwner,
  replyOwner,
  type SealedKind,
} from "../core/sealed-kinds.js";
import { type SecretBox, UnreadableSecretError } from "../core/secret-box.js";
import type { Keys } from "./keys.js";
import { SEALED_KV_KEYS } from "./redis-key-value-store.js";

/** Where the records of one sealed kind live and how one is opened. */
export interface SealedRecordKind {
  kind: SealedKind;
  /** A SCAN pattern ending in `*`; what the `*` matches is the record's id. */
  match: string;
  /** A hash field holding the sealed value; else the key is a string. */
  field?: string;
  /** A value not sealed at all is one an older version left in the clear (sealed on re-seal). */
  clearAllowed?: boolean;
  /** Keys under the pattern that are not records. */
  skip?: (id: string) => boolean;
  owner(id: string): string;
  /** The plain value; undefined when no configured key opens it for this owner. */
  open(box: SecretBox, id: string, sealed: string): string | undefined;
}

/** A Slack installation's workspace, as the installation store names it (enterprise id for org installs). */
function installationWorkspace(json: string): string | undefined {
  const parsed = JSON.parse(json) as {
    team?: { id?: string };
    enterprise?: { id?: string };
    isEnterpriseInstall?: boolean;
  };
  return parsed.isEnterpriseInstall ? parsed.enterprise?.id : parsed.team?.id;
}

/**
 * Opens a value of the first format (`v1:`): installations were sealed without an owner then, so one
 * opens only when the installation inside belongs to the workspace it is kept under.
 */
function openInstallation(box: SecretBox, workspace: string, sealed: string): string | undefined {
  if (!sealed.startsWith("v1:")) return box.open(sealed, installationOwner(workspace), "slack-installation");
  const plain = box.open(sealed, "", "slack-installation");
  if (plain === undefined || installationWorkspace(plain) === workspace) return plain;
  throw new UnreadableSecretError("slack-installation", "rejected");
}

/** Every kind of sealed record of a deployment. */
export function sealedRecordKinds(keys: Keys): SealedRecordKind[] {
  const simple = (kind: SealedKind, owner: (id: string) => string) => ({
    kind,
    owner,
    open: (box: SecretBox, id: string, sealed: string) => box.open(sealed, owner(id), kind),
  });
  return [
    {
      kind: "slack-installation",
      match: keys.slackInstallation("*"),
      skip: (id) => id.includes(":"),
      owner: installationOwner,
      open: (box, id, sealed) => {
        try {
          return openInstallation(box, id, sealed);
        } catch {
          return undefined;
        }
      },
    },
    { ...simple("account", accountOwner), match: keys.account("*"), field: "sealed" },
    ...SEALED_KV_KEYS.map((key) => ({
      ...simple("anonymous-token", () => kvOwner(key)),
      match: `${keys.kv(key)}*`,
      skip: (id: string) => id !== "",
      clearAllowed: true,
    })),
    { ...simple("reply-address", replyOwner), match: keys.replyAddress("*") },
  ];
}
