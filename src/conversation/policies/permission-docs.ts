import { PLACE_KINDS, type PlaceKind } from "../../core/conversation/place.js";
import {
  ACTIONS,
  type Action,
  type Grant,
  PERMISSION_TABLE,
  ROLES,
  ROLES_IN_PLACE,
  type Role,
} from "./permission-table.js";

const START =
  "<!-- permissions:start (generated from src/conversation/policies/permission-table.ts by `npm run config`) -->";
const END = "<!-- permissions:end -->";

const ROLE_NAMES: Record<Role, string> = {
  operator: "operator",
  admin: "place admin",
  owner: "thread owner",
  member: "member",
};

const GRANT_WORDS: Record<Grant, string> = {
  yes: "yes",
  no: "—",
  own: "own only",
  setting: "with `QUOTA_ADMINS_EXEMPT`",
};

const PLACE_NAMES: Record<PlaceKind, string> = {
  "discord-guild": "Discord server the bot is installed in (its threads, a channel's `/usage`)",
  "discord-user-install": "Discord server the bot is not in (a user-installed command; answered in the DM)",
  "discord-dm": "Discord DM with the bot",
  "slack-channel": "Slack channel of an installed workspace (Slack Connect channels too)",
  "slack-dm": "Slack DM with the bot, or its assistant container",
  console: "the local console chat (its own user is the operator; it marks nobody admin)",
};

/** README's "Who may do what" tables, rendered from the permission table. */
export function permissionsMarkdown(): string {
  const header = ["action", ...ROLES.map((role) => ROLE_NAMES[role])];
  const rows = (Object.keys(PERMISSION_TABLE) as Action[]).map((action) => [
    ACTIONS[action],
    ...ROLES.map((role) => GRANT_WORDS[PERMISSION_TABLE[action][role]]),
  ]);
  const places = PLACE_KINDS.map((place) => [
    `\`${place}\`: ${PLACE_NAMES[place]}`,
    ...ROLES.map((role) => (ROLES_IN_PLACE[place].includes(role) ? "yes" : "—")),
  ]);
  return [
    table(header, rows),
    "",
    "Which roles exist in each kind of place (a role that does not exist there grants nothing):",
    "",
    table(["place kind", ...ROLES.map((role) => ROLE_NAMES[role])], places),
  ].join("\n");
}

/** The README with its "Who may do what" tables replaced by the current rendering (between the markers). */
export function readmeWithPermissions(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  return `${readme.slice(0, start)}${START}\n\n${permissionsMarkdown()}\n\n${readme.slice(end)}`;
}

/** A Markdown table with its columns padded as Biome formats it (so `biome check` keeps it as it is). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
