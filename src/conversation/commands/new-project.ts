import { backendLanguage } from "../../core/conversation/language.js";
import type { SessionManager } from "../../core/conversation/session-manager.js";
import type { Permissions } from "../policies/permissions.js";
import { threadCalls } from "../thread-account.js";
import type { CommandHandler } from "./answers.js";
import type { ThreadCallParts } from "./command-parts.js";

export interface NewProjectParts extends ThreadCallParts {
  sessions: SessionManager;
  permissions: Pick<Permissions, "may">;
}

/** A new backend project in the thread: for its owner, the place's admins and operators (permission-table.ts). */
export function newProjectCommand(parts: NewProjectParts): CommandHandler {
  return async ({ inbound, answer }) => {
    if (!(await parts.permissions.may("new-project", inbound.ref, inbound.user)))
      return answer.refuseNotOwner("new");
    // A new project keeps the thread's account (or takes the asker's, in a thread without one yet).
    const { account } = await threadCalls(parts, inbound.ref, { userId: inbound.user.id });
    await parts.sessions.create(inbound.ref, backendLanguage(inbound.locale), undefined, account);
    await answer.say("new_session");
  };
}
