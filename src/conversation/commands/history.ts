import { type ExportRecord, historyReply } from "../../store/export-history.js";
import type { CommandHandler } from "./answers.js";

export interface HistoryParts {
  /** The sender's last exports on a platform. */
  exportsOf(platform: string, userId: string): Promise<readonly ExportRecord[]>;
}

/** The sender's last exports, wherever they made them on this platform. */
export function historyCommand(parts: HistoryParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    await answer.post(historyReply(lang, await parts.exportsOf(inbound.ref.platform, inbound.user.id)));
  };
}
