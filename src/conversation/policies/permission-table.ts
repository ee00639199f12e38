import { PLACE_KINDS, type PlaceKind } from "../../core/conversation/place.js";

/**
 * Who someone is in a place, most powerful first:
 * - `operator`: runs the bot (`OPERATOR_DISCORD_USERS`, `OPERATOR_SLACK_USERS`; the console's user);
 * - `admin`: administers the place (Manage Server or `DISCORD_ADMIN_ROLES` in a guild the bot is in; a
 *   workspace admin/owner or `SLACK_ADMIN_USERS` of the installed workspace, never a Slack Connect guest);
 * - `owner`: started the thread (kept while they stay active, see thread-owners.ts);
 * - `member`: anyone else who can see the thread.
 */
export const ROLES = ["operator", "admin", "owner", "member"] as const;
export type Role = (typeof ROLES)[number];

/** Every action the bot decides about, and what README calls it. */
export const ACTIONS = {
  talk: "talk to the bot (start a turn)",
  "new-project": "start over (new project) in a thread",
  "cancel-own": "cancel their own waiting message or export",
  "cancel-others": "cancel others' waiting messages in the thread",
  "cancel-export": "cancel an export someone else asked for",
  retry: "Retry a message",
  "guard-answer": "answer the credits guard (Continue / Cancel)",
  "own-balance": "see the balance of their own linked account (privately)",
  "bind-link": "get the shared account's bind link (privately)",
  "exempt-global": "not limited by the member, global and shared-account limits",
  "exempt-place": "not limited by the place's own limits (channel, server/workspace, queued)",
  "usage-place": "read the place's usage (`/usage`)",
  "usage-all": "read usage across places (`/usage`)",
  "claim-link": "get a claim link of a finished export (privately; own: the thread's owner, else who asked)",
  "settings-own": "change their own settings (aspect ratio, length, language, private results)",
  "settings-place": "change the place's defaults and limits (`/settings`)",
  "quick-reply": "click a quick reply (sends that choice as their next message in the thread)",
  variations: "start variations of a result (one credits confirmation for the batch)",
  "choose-variation": "make a variation the thread's project",
  "continue-code": "get a one-time code to continue a project elsewhere (privately; own: their own project)",
  "continue-here": "bind a project to this thread with a continue code",
} as const;
export type Action = keyof typeof ACTIONS;

/**
 * A cell: `yes`; `no`; `own` — only for their own work (the message or export they sent, the credits
 * guard question of their own message); `setting` — only when `QUOTA_ADMINS_EXEMPT` is on.
 */
export type Grant = "yes" | "no" | "own" | "setting";

/**
 * Which roles exist in each kind of place: a DM and a foreign guild have no admin. The console chat
 * marks nobody admin (its own user is the operator); other adapters' events may, as tests do.
 */
export const ROLES_IN_PLACE: Record<PlaceKind, readonly Role[]> = {
  "discord-guild": ROLES,
  "discord-user-install": ["operator", "owner", "member"],
  "discord-dm": ["operator", "owner", "member"],
  "slack-channel": ROLES,
  "slack-dm": ["operator", "owner", "member"],
  console: ROLES,
};

type Row = Record<Role, Grant>;
const row = (operator: Grant, admin: Grant, owner: Grant, member: Grant): Row => ({
  operator,
  admin,
  owner,
  member,
});

/**
 * THE permission table: action × role (× place kind through {@link ROLES_IN_PLACE}). Every adapter and
 * worker decides through `Permissions.may`, and README's "Who may do what" is rendered from it
 * (`npm run config`). A role absent from a place kind never applies there.
 */
export const PERMISSION_TABLE: Record<Action, Row> = {
  talk: row("yes", "yes", "yes", "yes"),
  "new-project": row("yes", "yes", "yes", "no"),
  "cancel-own": row("yes", "yes", "yes", "yes"),
  "cancel-others": row("yes", "yes", "yes", "no"),
  "cancel-export": row("yes", "yes", "yes", "own"),
  retry: row("yes", "yes", "yes", "own"),
  "guard-answer": row("yes", "yes", "yes", "own"),
  "own-balance": row("own", "own", "own", "own"),
  "bind-link": row("yes", "no", "no", "no"),
  "exempt-global": row("yes", "no", "no", "no"),
  "exempt-place": row("yes", "setting", "no", "no"),
  "usage-place": row("yes", "yes", "no", "no"),
  "usage-all": row("yes", "no", "no", "no"),
  "claim-link": row("yes", "no", "own", "own"),
  "settings-own": row("yes", "yes", "yes", "yes"),
  "settings-place": row("yes", "yes", "no", "no"),
  "quick-reply": row("yes", "yes", "yes", "yes"),
  variations: row("yes", "yes", "yes", "no"),
  "choose-variation": row("yes", "yes", "yes", "no"),
  "continue-code": row("yes", "no", "own", "no"),
  "continue-here": row("yes", "yes", "yes", "no"),
};

/** The grant of one cell; a role that does not exist in the place grants nothing. */
export function grantOf(action: Action, role: Role, place: PlaceKind): Grant {
  if (!ROLES_IN_PLACE[place].includes(role)) return "no";
  return PERMISSION_TABLE[action][role];
}

/** Every cell where the role exists: what the matrix test walks and README renders. */
export function permissionCells(): { action: Action; role: Role; place: PlaceKind; grant: Grant }[] {
  return (Object.keys(PERMISSION_TABLE) as Action[]).flatMap((action) =>
    PLACE_KINDS.flatMap((place) =>
      ROLES_IN_PLACE[place].map((role) => ({ action, role, place, grant: grantOf(action, role, place) })),
    ),
  );
}
