import { errorCode } from "../../../core/error-code.js";
import type { Logger } from "../../../core/logger.js";
import type { SecretBox } from "../../../core/secret-box.js";
import type { WorkspaceTokens } from "../outbound/workspace-messenger.js";
import { type InstallationRedis, RedisInstallationStore } from "./installation-store.js";
import { type RefreshCoordinator, RotatingInstallationStore } from "./token-rotation.js";

/** What a distributed Slack app needs from the deployment (`SLACK_CLIENT_*`, `SECRETS_KEY`, Redis). */
export interface SlackInstallationsConfig {
  clientId: string;
  clientSecret: string;
  /** The process's box (`SECRETS_KEY`; it also opens values sealed under `SECRETS_KEY_PREVIOUS`). */
  box: SecretBox;
  apiUrl?: string | undefined;
  redis: InstallationRedis;
  /** The refresh locks and back-off shared by the deployment's processes. */
  refreshes: RefreshCoordinator;
  /** The deployment's hash-tagged key prefix (`Keys.bull`). */
  prefix: string;
  logger: Logger;
}

/** The installation store of a distributed app: sealed in Redis, handing out rotated tokens. */
export function createSlackInstallations(config: SlackInstallationsConfig): RotatingInstallationStore {
  const store = new RedisInstallationStore(config.redis, config.prefix, config.box);
  return new RotatingInstallationStore(store, config.refreshes, config);
}

/**
 * The messenger's view of the store: a workspace's current bot token. An installation no configured key
 * opens has no usable token: its deliveries end without posting (logged), instead of failing and being
 * retried for nothing.
 */
export function installationTokens(
  installations: () => Promise<RotatingInstallationStore>,
  logger?: Logger,
): WorkspaceTokens {
  return {
    async botToken(workspace) {
      try {
        return (await (await installations()).find(workspace))?.bot?.token;
      } catch (error) {
        if (errorCode(error) !== "SECRET_UNREADABLE") throw error;
        logger?.error({ workspace, reason: "installation-unreadable" }, "slack-delivery-refused");
        return undefined;
      }
    },
  };
}
