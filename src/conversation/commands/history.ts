import { historyReply, listExports } from "../../store/export-history.js";
import type { CommandHandler } from "./answers.js";
import type { RecordParts } from "./command-parts.js";

/** The sender's last exports, wherever they made them on this platform. */
export function historyCommand(parts: RecordParts): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    const { ref, user } = inbound;
    await answer.post(historyReply(lang, await listExports(parts.redis, parts.keys, ref.platform, user.id)));
  };
}
