import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { Messengers } from "../../core/conversation/messenger.js";
import type { Logger } from "../../core/logger.js";
import type { ThreadOwners } from "../../store/thread-owners.js";

/** Who administers a place besides what the platform says (`SLACK_ADMIN_USERS`). */
export interface PermissionSettings {
  /** Slack user ids that are admins of the bot in every workspace. */
  slackAdminUsers: readonly string[];
}

/**
 * Who may do what in a thread. Anyone in it may talk; starting a new project, cancelling someone
 * else's work, cancelling an export and Retry belong to the thread's owner (the member who started
 * it) and to admins: Discord members with Manage Server or an admin role (the adapter sets
 * `Inbound.user.admin`), Slack workspace admins and owners (`users.info`) and `SLACK_ADMIN_USERS`.
 */
export class Permissions {
  private readonly slackAdmins: ReadonlySet<string>;

  constructor(
    private readonly owners: Pick<ThreadOwners, "owner">,
    private readonly messengers: Messengers,
    settings: PermissionSettings,
    private readonly logger: Logger,
  ) {
    this.slackAdmins = new Set(settings.slackAdminUsers);
  }

  /** Whether the user administers the place: from the event, the configured list, or the platform. */
  async isAdmin(ref: ConversationRef, user: Inbound["user"]): Promise<boolean> {
    if (user.admin) return true;
    if (ref.platform === "slack" && this.slackAdmins.has(user.id)) return true;
    if (user.admin === false) return false;
    const messenger = this.messengers[ref.platform];
    if (!messenger?.lookupUser) return false;
    try {
      return (await messenger.lookupUser(ref, user.id)).isAdmin === true;
    } catch (error) {
      this.logger.info({ err: String(error) }, "admin-lookup-failed");
      return false;
    }
  }

  /** Whether the user may act on the thread's shared work: its owner (or a thread without one) or an admin. */
  async mayManage(ref: ConversationRef, user: Inbound["user"]): Promise<boolean> {
    const owner = await this.owners.owner(ref);
    if (owner === undefined || owner === user.id) return true;
    return this.isAdmin(ref, user);
  }
}
