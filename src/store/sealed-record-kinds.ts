import {
  accountOwner,
  installationOwner,
  kvOwner,
  openInstallation,
  replyOwner,
  type SealedKind,
} from "../core/sealed-kinds.js";
import type { SecretBox } from "../core/secret-box.js";
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
          return openInstallation(id, sealed, (value, owner) => box.open(value, owner, "slack-installation"));
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
