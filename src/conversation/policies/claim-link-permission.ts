import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { ThreadOwners } from "../../store/thread-owners.js";
import type { Permissions } from "./permissions.js";

/** Whose project a claim link opens: the thread of a finished export and the member who asked for it. */
export interface ClaimLinkTarget {
  ref: ConversationRef;
  /** Who asked for the export (undefined when unknown). */
  askedBy?: string | undefined;
  /** The member whose own linked account holds the session (undefined: the bot's shared account). */
  accountHolder?: string | undefined;
}

/**
 * Who may have a project's "Open in NemoVideo" link (the action `claim-link`): whoever opens one can
 * take the project, so by default only its thread's owner (and the bot's operators) get one, privately.
 */
export interface ClaimLinkPermission {
  /** Whether `user` may be handed a fresh claim link of `target`'s project. */
  mayGetClaimLink(target: ClaimLinkTarget, user: Inbound["user"]): Promise<boolean>;
  /** Who is handed the link privately when the export finishes; undefined: nobody. */
  recipient(target: ClaimLinkTarget): Promise<string | undefined>;
}

/**
 * The project's owner is the member whose own account holds its session; on the shared account, the
 * thread's owner, or in a thread without an owner the member who asked for the export. Ownership of a
 * thread can pass on after a quiet month; a project made with someone's own account stays theirs. The
 * permission table's `claim-link` row decides who else (operators) may have a link.
 */
export class TableClaimLinkPermission implements ClaimLinkPermission {
  constructor(
    private readonly owners: Pick<ThreadOwners, "owner">,
    private readonly permissions: Pick<Permissions, "may">,
  ) {}

  async mayGetClaimLink(target: ClaimLinkTarget, user: Inbound["user"]): Promise<boolean> {
    return this.permissions.may("claim-link", target.ref, user, await this.recipient(target));
  }

  async recipient(target: ClaimLinkTarget): Promise<string | undefined> {
    return target.accountHolder ?? (await this.owners.owner(target.ref)) ?? target.askedBy;
  }
}
