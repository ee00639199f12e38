import type { Inbound } from "../../core/conversation/inbound.js";
import type { Lang } from "../../core/conversation/language.js";
import { type ExportRecord, historyReply } from "../../store/export-history.js";
import type { ProjectLinks } from "../exports/project-links.js";
import type { CommandHandler } from "./answers.js";
import { historyMoveActions } from "./project-move.js";

/** Projects reopened from the history at most (each is a fresh claim token from the backend). */
const REOPEN_LINKS = 5;

export interface HistoryParts {
  /** The sender's last exports on a platform. */
  exportsOf(platform: string, userId: string): Promise<readonly ExportRecord[]>;
  projectLinks: Pick<ProjectLinks, "freshFor">;
}

/**
 * The sender's last exports, wherever they made them on this platform: always privately (it lists
 * other places' videos, and links that open projects), never in the thread. Each project the sender
 * may have a link of gets a fresh one (see `ProjectLinks.freshFor`).
 */
export function historyCommand(parts: HistoryParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const records = await parts.exportsOf(inbound.ref.platform, inbound.user.id);
    const reply = historyReply(lang, records, await reopenLinks(parts, records, inbound.user, lang));
    // Continue anywhere: each listed project may continue in a new thread (for its owner).
    if (records.length > 0) reply.actions = historyMoveActions(lang, records);
    if (!(await answer.onlyToSender(reply))) await answer.say("history_private_failed");
  };
}

/** Fresh links of the newest exports the sender may reopen, by export id (refused or failed ones left out). */
async function reopenLinks(
  parts: HistoryParts,
  records: readonly ExportRecord[],
  user: Inbound["user"],
  lang: Lang,
): Promise<Map<string, string>> {
  const ids = [...new Set(records.flatMap((record) => (record.exportId ? [record.exportId] : [])))];
  const issued = await Promise.allSettled(
    ids
      .slice(0, REOPEN_LINKS)
      .map(async (id) => [id, await parts.projectLinks.freshFor(id, user, lang)] as const),
  );
  const links = new Map<string, string>();
  for (const result of issued) {
    if (result.status !== "fulfilled") continue;
    const [id, fresh] = result.value;
    if (typeof fresh !== "string") links.set(id, fresh.link.url);
  }
  return links;
}
