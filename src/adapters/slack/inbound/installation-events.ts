import type { App, Context, InstallationQuery, InstallationStore } from "@slack/bolt";
import type { Logger } from "../../../core/logger.js";
import { installationWorkspace } from "../../../core/sealed-kinds.js";

/**
 * `app_uninstalled` and `tokens_revoked` (bot tokens): the workspace's installation is deleted, so no
 * process delivers there any more — queued jobs of that workspace finish without posting (the
 * messenger logs `slack-workspace-not-installed`), and its events are no longer authorized. Bolt runs
 * these two events without authorizing them (the token is already gone).
 */
export function registerInstallationEvents(app: App, installations: InstallationStore, logger: Logger): void {
  const forget = async (reason: string, context: Context) => {
    const query: InstallationQuery<boolean> = {
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall === true,
    };
    await installations.deleteInstallation?.(query);
    logger.info({ workspace: installationWorkspace(query), reason }, "slack-installation-deleted");
  };
  app.event("app_uninstalled", async ({ context }) => forget("app_uninstalled", context));
  app.event("tokens_revoked", async ({ event, context }) => {
    // Only the bot's token matters to the bot; a revoked user token is none of its business.
    if ((event.tokens?.bot ?? []).length > 0) await forget("tokens_revoked", context);
    else logger.debug({ workspace: context.teamId || undefined }, "slack-user-tokens-revoked");
  });
}
