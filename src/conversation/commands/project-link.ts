import { refKey } from "../../core/conversation/conversation-ref.js";
import { text } from "../../core/conversation/texts.js";
import type { Logger } from "../../core/logger.js";
import type { ProjectLinks } from "../exports/project-links.js";
import type { CommandHandler } from "./answers.js";

export interface ProjectLinkParts {
  projectLinks: Pick<ProjectLinks, "freshFor" | "note">;
  logger: Logger;
}

/**
 * "Get my NemoVideo link" on a finished video: a fresh claim link, privately, to whoever may have it
 * (the thread's owner; see `ClaimLinkPermission`). Anyone else is told why not, privately where the
 * platform allows, and gets no link. Never posted in the thread.
 */
export function projectLinkCommand(parts: ProjectLinkParts): CommandHandler {
  return async ({ inbound, intent, lang, answer }) => {
    const exportId = intent.kind === "project_link" ? intent.arg : undefined;
    const fresh = exportId ? await parts.projectLinks.freshFor(exportId, inbound.user, lang) : "gone";
    if (fresh === "gone") return answer.tell({ text: text(lang, "project_link_gone") });
    if (fresh === "refused") {
      return answer.refuse("project_link_not_yours", "project-link-refused", exportId, "project_link");
    }
    const told = await answer.onlyToSender(parts.projectLinks.note(lang, fresh.link));
    parts.logger.info(
      { thread: refKey(inbound.ref), trace: inbound.id, user: inbound.user.id, told },
      "project-link-given",
    );
  };
}
