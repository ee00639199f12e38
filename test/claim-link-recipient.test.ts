import { describe, expect, it } from "vitest";
import { TableClaimLinkPermission } from "../src/conversation/policies/claim-link-permission.js";
import { Permissions } from "../src/conversation/policies/permissions.js";
import type { ConversationRef } from "../src/core/conversation/conversation-ref.js";
import { silentLogger } from "../src/core/logger.js";

const ref: ConversationRef = { platform: "discord", workspace: "G1", channel: "C1", thread: "T1" };

/** The thread's owner is now Bob (Alice, whose own account made the project, was quiet for a month). */
function permissionOwnedBy(owner: string | undefined): TableClaimLinkPermission {
  const owners = { owner: async () => owner };
  const settings = { slackAdminUsers: [], operators: { discord: ["OP"], slack: [] }, adminsExempt: true };
  return new TableClaimLinkPermission(owners, new Permissions(owners, {}, settings, silentLogger()));
}

describe("who gets a finished export's claim link", () => {
  it("a project made with a member's own account stays theirs when the thread's ownership passed on", async () => {
    const permission = permissionOwnedBy("bob");
    const target = { ref, askedBy: "bob", accountHolder: "alice" };
    expect(await permission.recipient(target)).toBe("alice");
    expect(await permission.mayGetClaimLink(target, { id: "alice" })).toBe(true);
    expect(await permission.mayGetClaimLink(target, { id: "bob" })).toBe(false);
    expect(await permission.mayGetClaimLink(target, { id: "OP" })).toBe(true);
  });

  it("on the shared account: the thread's owner, else the member who asked", async () => {
    const owned = permissionOwnedBy("bob");
    expect(await owned.recipient({ ref, askedBy: "carol" })).toBe("bob");
    expect(await owned.mayGetClaimLink({ ref, askedBy: "carol" }, { id: "carol" })).toBe(false);
    const ownerless = permissionOwnedBy(undefined);
    expect(await ownerless.recipient({ ref, askedBy: "carol" })).toBe("carol");
    expect(await ownerless.mayGetClaimLink({ ref, askedBy: "carol" }, { id: "dave" })).toBe(false);
  });
});
