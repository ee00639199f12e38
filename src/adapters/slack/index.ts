export { SLACK_BOT_SCOPES, type SlackDoctorOptions, slackDoctorCheck } from "./doctor-check.js";
export {
  createSlackAdapter,
  SLACK_EVENTS_PATH,
  type SlackAdapterConfig,
  type SlackAdapterSetup,
  type SlackRequestListener,
  type SlackTransport,
} from "./slack-adapter.js";
export { SlackConfigError } from "./slack-config-error.js";
export { createSlackMessenger, type SlackMessengerConfig } from "./slack-messenger.js";
