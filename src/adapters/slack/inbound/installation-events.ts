import type { App, InstallationStore } from "@slack/bolt";
import type { Logger } from "../../../core/logger.js";
import { list, obj, str } from "../payload.js";
import { installationWorkspace } from "../setup/installation-store.js";

/**
 * `app_uninstalled` and `tokens_revoked` (bot tokens): the workspace's installation is deleted, so no
 * process delivers there any more — queued jobs of that workspace finish without posting (the
 * messenger logs `slack-workspace-not-installed`), and its events are no longer authorized. Bolt runs
 * these two events without authorizing them (the token is already gone).
 */
export function registerInstallationEvents(app: App, installations: InstallationStore, logger: Logger): void {
  const forget = async (reason: string, context: Record<string, unknown>) => {
    const query = {
      teamId: context.teamId as string | undefined,
      enterpriseId: context.enterpriseId as string | undefined,
      isEnterpriseInstall: context.isEnterpriseInstall === true,
    };
    await installations.deleteInstallation?.(
      query as Parameters<NonNullable<InstallationStore["deleteInstallation"]>>[0],
    );
    logger.info({ workspace: installationWorkspace(query), reason }, "slack-installation-deleted");
  };
  app.event("app_uninstalled", async ({ context }) => forget("app_uninstalled", context));
  app.event("tokens_revoked", async ({ event, context }) => {
    // Only the bot's token matters to the bot; a revoked user token is none of its business.
    if (list(obj(event, "tokens"), "bot").length > 0) await forget("tokens_revoked", context);
    else logger.debug({ workspace: str(context, "teamId") }, "slack-user-tokens-revoked");
  });
}
