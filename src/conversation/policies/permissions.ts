import { QUOTA_SCOPES, type QuotaScope } from "../../config/quota-limits.js";
import type { ConversationRef } from "../../core/conversation/conversation-ref.js";
import type { Inbound } from "../../core/conversation/inbound.js";
import type { Messengers } from "../../core/conversation/messenger.js";
import { CONSOLE_USER, type PlaceKind, placeKindOf } from "../../core/conversation/place.js";
import type { Logger } from "../../core/logger.js";
import type { ThreadOwners } from "../../store/thread-owners.js";
import { type Action, type Grant, grantOf, ROLES_IN_PLACE, type Role } from "./permission-table.js";

/** Who runs and who administers the bot besides what the platforms say. */
export interface PermissionSettings {
  /** Slack user ids that administer every installed workspace they are a member of (`SLACK_ADMIN_USERS`). */
  slackAdminUsers: readonly string[];
  /** The operators' user ids per platform (`OPERATOR_DISCORD_USERS`, `OPERATOR_SLACK_USERS`). */
  operators: { discord: readonly string[]; slack: readonly string[] };
  /** `QUOTA_ADMINS_EXEMPT`: place admins skip their own place's limits. */
  adminsExempt: boolean;
}

/** The one asking, as an inbound event names them. */
export type Actor = Inbound["user"];

/** Which quotas someone skips: none, the place's own (channel, server/workspace, queued), or all. */
export type QuotaExemption = "none" | "place" | "all";

/**
 * Who may do what: the roles of someone in a place (operator, place admin, thread owner, member) read
 * against the one permission table (permission-table.ts). Roles are read lazily, cheapest first, so a
 * member's plain message costs no lookup: configured operators, then the thread's owner (Redis), then
 * place admin (from the event: Discord's Manage Server or admin roles where the bot is installed;
 * else the platform's directory, e.g. Slack `users.info` of the installed workspace, never for a member
 * of another organisation). The console's own user (`local`) is its operator: it runs on their machine.
 */
export class Permissions {
  private readonly slackAdmins: ReadonlySet<string>;
  private readonly operators: Record<string, ReadonlySet<string>>;

  constructor(
    private readonly owners: Pick<ThreadOwners, "owner">,
    private readonly messengers: Messengers,
    private readonly settings: PermissionSettings,
    private readonly logger: Logger,
  ) {
    this.slackAdmins = new Set(settings.slackAdminUsers);
    this.operators = {
      discord: new Set(settings.operators.discord),
      slack: new Set(settings.operators.slack),
    };
  }

  /**
   * Whether `user` may do `action` in the conversation `ref`. `author`: whose work the action is about
   * (the message to retry or cancel, the export, the credits guard question, the linked account), for
   * the cells that allow only one's own.
   */
  async may(action: Action, ref: ConversationRef, user: Actor, author?: string): Promise<boolean> {
    const place = this.placeKind(ref, user);
    const allows = (role: Role) => this.grants(grantOf(action, role, place), user, author);
    if (allows("member")) return true;
    if (allows("operator") && this.isOperator(ref, user.id)) return true;
    if (allows("owner") && (await this.isOwner(ref, user.id))) return true;
    return allows("admin") && (await this.isAdmin(ref, user));
  }

  /** Which quotas the user skips in this place (operators all; admins their place's own, by the setting). */
  async quotaExemption(ref: ConversationRef, user: Actor): Promise<QuotaExemption> {
    if (await this.may("exempt-global", ref, user)) return "all";
    return (await this.may("exempt-place", ref, user)) ? "place" : "none";
  }

  /** The roles someone has in the conversation's place (for tests and logs; decisions go through {@link may}). */
  async rolesOf(ref: ConversationRef, user: Actor): Promise<Role[]> {
    const roles: Role[] = [];
    if (this.isOperator(ref, user.id)) roles.push("operator");
    if (await this.isAdmin(ref, user)) roles.push("admin");
    if (await this.isOwner(ref, user.id)) roles.push("owner");
    roles.push("member");
    return roles;
  }

  /** An operator: configured for the platform, or the console's own user (its operator's machine). */
  isOperator(ref: ConversationRef, userId: string): boolean {
    if (ref.platform === "console") return userId === CONSOLE_USER;
    return this.operators[ref.platform]?.has(userId) === true;
  }

  /**
   * Whether the user administers the conversation's place: only in a place that has admins (a guild the
   * bot is in, an installed Slack workspace's channel), from the event, the configured list or the
   * platform's directory (a member of another organisation never is).
   */
  async isAdmin(ref: ConversationRef, user: Actor): Promise<boolean> {
    if (!ROLES_IN_PLACE[this.placeKind(ref, user)].includes("admin")) return false;
    if (user.admin === false) return false;
    if (user.admin === true && ref.platform !== "slack") return true;
    const messenger = this.messengers[ref.platform];
    if (!messenger?.lookupUser) return user.admin === true;
    try {
      const found = await messenger.lookupUser(ref, user.id);
      if (found.external === true) return false;
      return user.admin === true || found.isAdmin === true || this.slackAdmins.has(user.id);
    } catch (error) {
      this.logger.info({ err: String(error) }, "admin-lookup-failed");
      return false;
    }
  }

  /** The thread's owner, or anyone in a thread without one. */
  private async isOwner(ref: ConversationRef, userId: string): Promise<boolean> {
    const owner = await this.owners.owner(ref);
    return owner === undefined || owner === userId;
  }

  private placeKind(ref: ConversationRef, user: Actor): PlaceKind {
    return user.place ?? placeKindOf(ref);
  }

  private grants(grant: Grant, user: Actor, author: string | undefined): boolean {
    if (grant === "yes") return true;
    if (grant === "own") return author !== undefined && author === user.id;
    if (grant === "setting") return this.settings.adminsExempt;
    return false;
  }
}

/** The place's own quota scopes, which `QUOTA_ADMINS_EXEMPT` lets its admins skip. */
const PLACE_SCOPES: readonly QuotaScope[] = ["channel", "workspace"];

/** The quota scopes an exemption skips: every one, the place's own, or none. */
export function exemptScopesOf(exemption: QuotaExemption): readonly QuotaScope[] {
  if (exemption === "all") return QUOTA_SCOPES;
  return exemption === "place" ? PLACE_SCOPES : [];
}
