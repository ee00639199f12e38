import type { WebClient } from "@slack/web-api";
import type { Attachment } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { errorText } from "../web-api/api-errors.js";

/**
 * The fields of a file object (in a message event, or from `files.info`) the attachments read. All may
 * be missing: a partial file (Slack Connect) carries little more than its id.
 */
export interface SlackFileFields {
  id?: string | undefined;
  name?: string | null | undefined;
  title?: string | null | undefined;
  size?: number | undefined;
  mimetype?: string | undefined;
  url_private_download?: string | undefined;
  file_access?: string | undefined;
}

/**
 * The files of a message event as attachments the upload job streams with the bot token
 * (`url_private_download`, `auth: "bot-token"`). Nothing is fetched here; the core checks the host
 * against its allowlist (files.slack.com, `DOWNLOAD_HOSTS`). A partial file object (Slack Connect's
 * `file_access: "check_file_info"`) is completed with `files.info`; deleted, hidden or external files
 * (no private download URL) are skipped.
 */
export async function filesToAttachments(
  files: readonly SlackFileFields[],
  client: WebClient,
  logger: Logger,
): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const listed of files) {
    const file = await complete(listed, client, logger);
    const url = file?.url_private_download;
    if (!file || !url) continue;
    attachments.push({
      name: file.name || file.title || file.id || "file",
      size: Number.isFinite(file.size) ? file.size : undefined,
      contentType: file.mimetype || undefined,
      url,
      auth: "bot-token",
    });
  }
  return attachments;
}

async function complete(
  file: SlackFileFields,
  client: WebClient,
  logger: Logger,
): Promise<SlackFileFields | undefined> {
  if (!file.id || file.file_access !== "check_file_info") return file;
  try {
    return (await client.files.info({ file: file.id })).file;
  } catch (error) {
    logger.info({ file: file.id, err: errorText(error) }, "slack-file-info-failed");
    return undefined;
  }
}
