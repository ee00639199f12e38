/** The Slack adapter's entry module: the app, the doctor and the start banner import only this. */

export {
  SLACK_EVENTS_PATH,
  SLACK_INSTALL_PATH,
  SLACK_OAUTH_REDIRECT_PATH,
  type SlackAdapterConfig,
  type SlackDistributionConfig,
  type SlackRequestListener,
  type SlackTransport,
} from "./common/slack-adapter-config.js";
export { createSlackMessenger, type SlackMessengerConfig } from "./outbound/slack-messenger.js";
export { createWorkspaceSlackMessenger } from "./outbound/workspace-messenger.js";
export { createSlackInstallations, installationTokens } from "./setup/distribution.js";
export { SLACK_BOT_SCOPES, type SlackDoctorOptions, slackDoctorCheck } from "./setup/doctor-check.js";
export type { InstallationRedis } from "./setup/installation-store.js";
export { SlackConfigError } from "./setup/slack-config-error.js";
export type { RotatingInstallationStore } from "./setup/token-rotation.js";
export { createSlackAdapter, type SlackAdapterSetup } from "./slack-adapter.js";
