import type { IncomingMessage, ServerResponse } from "node:http";
import type { InstallationStore } from "@slack/bolt";
import type { IntakePort } from "../../../core/conversation/inbound.js";
import type { Logger } from "../../../core/logger.js";

/** Where Slack sends events, slash commands and interactivity in HTTP mode (one URL for all three). */
export const SLACK_EVENTS_PATH = "/slack/events";

/** Bolt's OAuth install pages (distribution mode), served next to the events URL on `PORT`. */
export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect";

/** Installing the app in many workspaces (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_STATE_SECRET`). */
export interface SlackDistributionConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` (and its browser cookie) that ties the redirect to the install page. */
  stateSecret: string;
  /** Where installations live (Redis, sealed), refreshing expiring tokens: `RotatingInstallationStore`. */
  installations: InstallationStore;
  /** Bot scopes asked for on install (default: those the bot uses, as in `slack/manifest.yml`). */
  scopes: readonly string[];
  /** Where Slack's consent page is (tests); default Slack's own. */
  authorizationUrl?: string | undefined;
  /** Workspaces whose Web API client and caches stay in memory (default 200; the least recently active go). */
  maxWorkspaces?: number | undefined;
}

/** A node `http` request listener. */
export type SlackRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** How Slack reaches the bot: HTTP requests (signing secret) or a Socket Mode WebSocket (app token). */
export type SlackTransport = "http" | "socket";

/** Settings of `createSlackAdapter`. */
export interface SlackAdapterConfig {
  /** `SLACK_BOT_TOKEN` (`xoxb-…`): one workspace. Not used when `distribution` is set. */
  botToken?: string | undefined;
  /** Many workspaces: OAuth install, per-workspace tokens from the installation store (HTTP mode only). */
  distribution?: SlackDistributionConfig | undefined;
  /** `SLACK_SIGNING_SECRET`: HTTP mode; requests are verified with it (HMAC v0, 5-minute window). */
  signingSecret?: string | undefined;
  /** `SLACK_APP_TOKEN` (`xapp-…`, `connections:write`): Socket Mode. Wins over `signingSecret` when both are set. */
  appToken?: string | undefined;
  /** `SLACK_API_URL`: the Web API base (also where Socket Mode's `apps.connections.open` goes). */
  apiUrl?: string | undefined;
  /** Channel ids the bot talks in; empty = every channel it is in. */
  allowedChannels: string[];
  /** Whether DMs to the bot are conversations (default true); `allowedChannels` does not cover DMs. */
  allowDirectMessages?: boolean | undefined;
  /** The core's entry point (the `Intake`). */
  handler: IntakePort;
  logger: Logger;
  /** Called for each 👍/👎 on a streamed answer (the app counts them in its metrics). */
  onFeedback?: ((rating: "good" | "bad") => void) | undefined;
}
