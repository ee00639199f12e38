import { expect } from "vitest";
import {
  type Action,
  type Grant,
  grantOf,
  permissionCells,
  ROLES_IN_PLACE,
  type Role,
} from "../../src/conversation/policies/permission-table.js";
import type { Permissions } from "../../src/conversation/policies/permissions.js";
import { type ConversationRef, refKey } from "../../src/core/conversation/conversation-ref.js";
import type { Inbound } from "../../src/core/conversation/inbound.js";
import type { PlaceKind } from "../../src/core/conversation/place.js";
import type { JobServices } from "../../src/jobs/services.js";

/** One (place kind, role) of the table, with the actions it decides: one platform event each. */
export interface RoleCase {
  place: PlaceKind;
  role: Role;
  actions: { action: Action; grant: Grant }[];
}

/** Every cell of the permission table, grouped by (place kind, role): a new row or column is walked too. */
export function roleCases(places: readonly PlaceKind[]): RoleCase[] {
  const cases = new Map<string, RoleCase>();
  for (const cell of permissionCells()) {
    if (!places.includes(cell.place)) continue;
    const key = `${cell.place}/${cell.role}`;
    const found = cases.get(key) ?? { place: cell.place, role: cell.role, actions: [] };
    found.actions.push({ action: cell.action, grant: cell.grant });
    cases.set(key, found);
  }
  return [...cases.values()];
}

const OTHER = "someone-else";

/**
 * Decides every action of the case for the sender of `inbound` (as the real adapter made it), after
 * making them the thread's owner (role `owner`) or someone else the owner; asserts their roles, and each
 * cell both ways: allowed exactly where the table grants it (`own` cells: for their own work only).
 */
export async function expectCase(
  services: Pick<JobServices, "redis" | "keys">,
  permissions: Permissions,
  roleCase: RoleCase,
  inbound: Inbound,
): Promise<void> {
  const { ref, user } = inbound;
  await setOwner(services, ref, roleCase.role === "owner" ? user.id : OTHER);
  const label = `${roleCase.place} ${roleCase.role}`;
  // Where a place has no admin the adapter itself says so (Manage Server elsewhere counts for nothing).
  if (!ROLES_IN_PLACE[roleCase.place].includes("admin")) expect(user.admin, label).not.toBe(true);
  const roles = await permissions.rolesOf(ref, user);
  expect(roles, label).toEqual(roleCase.role === "member" ? ["member"] : [roleCase.role, "member"]);
  for (const { action, grant } of roleCase.actions) {
    const memberGrant = grantOf(action, "member", roleCase.place);
    const allowed = (author: string | undefined) =>
      [grant, memberGrant].some((g) => g === "yes" || g === "setting" || (g === "own" && author === user.id));
    for (const author of [user.id, OTHER]) {
      const decided = await permissions.may(action, ref, user, author);
      expect(decided, `${label} ${action} (work of ${author === user.id ? "theirs" : "another"})`).toBe(
        allowed(author),
      );
    }
  }
}

async function setOwner(
  services: Pick<JobServices, "redis" | "keys">,
  ref: ConversationRef,
  userId: string,
): Promise<void> {
  await services.redis.set(services.keys.owner(refKey(ref)), userId, "EX", 3600);
}
