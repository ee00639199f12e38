import { errorReply } from "../../core/conversation/replies.js";
import type { Logger } from "../../core/logger.js";
import { isNemoError } from "../../core/nemo/errors.js";
import { uploadableAttachments } from "../../core/nemo/upload-rules.js";
import type { CommandHandler } from "./answers.js";

/** Files refused before any byte is sent (type, declared size), or an upload with no file at all. */
export function uploadRefusalsCommand(parts: { maxUploadBytes: number; logger: Logger }): CommandHandler {
  return async ({ inbound, lang, answer }) => {
    if (inbound.attachments.length === 0) return answer.say("upload_needs_file");
    const { refused } = uploadableAttachments(inbound.attachments, parts.maxUploadBytes);
    for (const { file, error } of refused) {
      parts.logger.info(
        { file: file.name, code: isNemoError(error) ? error.code : undefined },
        "upload-refused",
      );
      await answer.post(errorReply(error, lang));
    }
  };
}
