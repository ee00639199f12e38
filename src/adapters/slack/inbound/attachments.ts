import type { WebClient } from "@slack/web-api";
import type { Attachment } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";
import { num, record, str } from "../payload.js";

/**
 * The files of a message event as attachments the upload job streams with the bot token
 * (`url_private_download`, `auth: "bot-token"`). Nothing is fetched here; the core checks the host
 * against its allowlist (files.slack.com, `DOWNLOAD_HOSTS`). A partial file object (Slack Connect's
 * `file_access: "check_file_info"`) is completed with `files.info`; deleted, hidden or external files
 * (no private download URL) are skipped.
 */
export async function filesToAttachments(
  files: unknown[],
  client: WebClient,
  logger: Logger,
): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const raw of files) {
    const file = await complete(raw, client, logger);
    const url = str(file, "url_private_download");
    if (!file || !url) continue;
    attachments.push({
      name: str(file, "name") ?? str(file, "title") ?? str(file, "id") ?? "file",
      size: num(file, "size"),
      contentType: str(file, "mimetype"),
      url,
      auth: "bot-token",
    });
  }
  return attachments;
}

async function complete(
  raw: unknown,
  client: WebClient,
  logger: Logger,
): Promise<Record<string, unknown> | undefined> {
  const file = record(raw);
  const id = str(file, "id");
  if (!file || !id || str(file, "file_access") !== "check_file_info") return file;
  try {
    return record((await client.files.info({ file: id })).file);
  } catch (error) {
    logger.info({ file: id, err: (error as Error).message }, "slack-file-info-failed");
    return undefined;
  }
}
