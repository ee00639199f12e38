import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { LruMap } from "../common/lru-map.js";
import { errorText } from "./api-errors.js";

/** What the adapter knows about a Slack user. */
export interface SlackUserInfo {
  /** BCP 47-ish locale from `users.info` (`en-US`, `zh-CN`), when Slack told it. */
  locale?: string | undefined;
  /** Display name, else real name, else handle. */
  name?: string | undefined;
  /** A workspace admin or owner (`is_admin`, `is_owner`, `is_primary_owner`) — of their own team. */
  isAdmin?: boolean | undefined;
  /** The user's own team (`team_id`), and their org's (`enterprise_user.enterprise_id`) on Enterprise Grid. */
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  /** Slack says the user is a stranger to the workspace (`is_stranger`: a Slack Connect member of another org). */
  stranger?: boolean | undefined;
}

/**
 * The user as a member of `workspace` (the installed team, or the org of an org-wide install): an
 * admin there only when they belong to it — a Slack Connect member of another organisation is
 * `external` and administers nothing here, whatever they are at home.
 */
export function asMemberOf(
  info: SlackUserInfo,
  workspace: string,
): SlackUserInfo & { external?: boolean | undefined } {
  const known = info.teamId !== undefined || info.enterpriseId !== undefined;
  const home =
    info.teamId === workspace || (info.enterpriseId !== undefined && info.enterpriseId === workspace);
  const external = info.stranger === true || (known && !home);
  return { ...info, isAdmin: info.isAdmin === true && !external, external };
}

interface Entry {
  info: SlackUserInfo;
  expires: number;
}

/** What {@link UserDirectory} calls: a `WebClient`, or anything with its `users.info`. */
export interface UsersInfoClient {
  users: Pick<WebClient["users"], "info">;
}

/** Cache settings of {@link UserDirectory}. */
export interface UserDirectoryOptions {
  /** How long a looked-up user is kept (default one hour). */
  ttlMs?: number;
  /** How long a failed lookup is remembered as unknown, so an outage is not hammered (default one minute). */
  failureTtlMs?: number;
  /** Most users kept; the oldest go first (default 5,000). */
  maxEntries?: number;
}

/**
 * Users' locales and names from `users.info` (`include_locale: true`), cached in memory per user with a
 * TTL. A failed lookup yields `{}`: the reply is then in English, never delayed or lost.
 */
export class UserDirectory {
  private readonly entries: LruMap<string, Entry>;
  private readonly pending = new Map<string, Promise<SlackUserInfo>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;

  constructor(
    private readonly client: UsersInfoClient,
    private readonly logger: Logger,
    options: UserDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.failureTtlMs = options.failureTtlMs ?? 60_000;
    this.entries = new LruMap(options.maxEntries ?? 5_000);
  }

  /** The user's locale and name (cached; concurrent lookups of one user share one call). */
  lookup(userId: string): Promise<SlackUserInfo> {
    const cached = this.entries.get(userId);
    if (cached && cached.expires > Date.now()) return Promise.resolve(cached.info);
    const running = this.pending.get(userId);
    if (running) return running;
    const lookup = this.fetch(userId).finally(() => this.pending.delete(userId));
    this.pending.set(userId, lookup);
    return lookup;
  }

  private async fetch(userId: string): Promise<SlackUserInfo> {
    try {
      const result = await this.client.users.info({ user: userId, include_locale: true });
      const user = result.user;
      const info: SlackUserInfo = {
        locale: user?.locale || undefined,
        name: user?.profile?.display_name || user?.real_name || user?.name || undefined,
        isAdmin: user?.is_admin === true || user?.is_owner === true || user?.is_primary_owner === true,
        teamId: user?.team_id || undefined,
        enterpriseId: user?.enterprise_user?.enterprise_id || undefined,
        stranger: (user as { is_stranger?: boolean } | undefined)?.is_stranger === true,
      };
      this.remember(userId, info, this.ttlMs);
      return info;
    } catch (error) {
      this.logger.info({ user: userId, err: errorText(error) }, "slack-user-lookup-failed");
      this.remember(userId, {}, this.failureTtlMs);
      return {};
    }
  }

  private remember(userId: string, info: SlackUserInfo, ttlMs: number): void {
    this.entries.set(userId, { info, expires: Date.now() + ttlMs });
  }
}
