import { HTTPReceiver, type Logger as SlackLogger, SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "../../../core/logger.js";
import {
  SLACK_EVENTS_PATH,
  SLACK_INSTALL_PATH,
  SLACK_OAUTH_REDIRECT_PATH,
  type SlackAdapterConfig,
  type SlackRequestListener,
  type SlackTransport,
} from "../common/slack-adapter-config.js";
import type { SignedEventLane } from "../inbound/signed-events.js";
import { slackApiUrl, webClientOptions } from "../web-api/web-client.js";
import { SlackConfigError } from "./slack-config-error.js";

/**
 * How Slack reaches the bot: Socket Mode when an app token is set (and the app is not distributed),
 * else HTTP. Throws {@link SlackConfigError} when the settings cannot work.
 */
export function chooseTransport(config: SlackAdapterConfig): SlackTransport {
  const { distribution } = config;
  if (!config.botToken && !distribution) throw new SlackConfigError("SLACK_BOT_TOKEN is required");
  if (distribution && !config.signingSecret)
    throw new SlackConfigError("installing in many workspaces needs HTTP mode: set SLACK_SIGNING_SECRET");
  const transport: SlackTransport = config.appToken && !distribution ? "socket" : "http";
  if (!config.appToken && !config.signingSecret) {
    throw new SlackConfigError("set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)");
  }
  return transport;
}

/**
 * The HTTP receiver: events, commands and clicks at {@link SLACK_EVENTS_PATH}, and for a distributed
 * app Bolt's OAuth install pages next to it.
 */
export function httpReceiver(
  config: SlackAdapterConfig,
  logger: Logger,
  boltLogger: SlackLogger,
): HTTPReceiver {
  const { distribution } = config;
  return new HTTPReceiver({
    signingSecret: config.signingSecret ?? "",
    endpoints: SLACK_EVENTS_PATH,
    logger: boltLogger,
    ...(distribution
      ? {
          clientId: distribution.clientId,
          clientSecret: distribution.clientSecret,
          stateSecret: distribution.stateSecret,
          installationStore: distribution.installations,
          scopes: [...distribution.scopes],
          installerOptions: {
            installPath: SLACK_INSTALL_PATH,
            redirectUriPath: SLACK_OAUTH_REDIRECT_PATH,
            directInstall: true,
            ...(distribution.authorizationUrl ? { authorizationUrl: distribution.authorizationUrl } : {}),
            clientOptions: webClientOptions({ apiUrl: config.apiUrl, logger }),
          },
        }
      : {}),
    // Slack is answered only once the listener has queued the event (a failure → 500 → Slack
    // sends it again); listeners do Redis work only, well inside Slack's 3 seconds.
    processBeforeResponse: true,
  });
}

/** The Socket Mode receiver (`apps.connections.open` at `SLACK_API_URL` when set). */
export function socketReceiver(config: SlackAdapterConfig, boltLogger: SlackLogger): SocketModeReceiver {
  const apiUrl = slackApiUrl(config.apiUrl);
  return new SocketModeReceiver({
    appToken: config.appToken ?? "",
    logger: boltLogger,
    installerOptions: { clientOptions: apiUrl ? { slackApiUrl: apiUrl } : {} },
  });
}

/**
 * The HTTP receiver as a node request listener: 503 until the adapter runs (Slack retries those), 404
 * for paths and methods that are not Bolt's. POSTs to the events path go through `lane()` when there
 * is one (signed-events.ts), which hands Bolt what it does not take itself.
 */
export function guardedRequestListener(
  http: HTTPReceiver,
  running: () => boolean,
  lane: () => SignedEventLane | undefined = () => undefined,
): SlackRequestListener {
  return (req, res) => {
    if (!running()) {
      res
        .writeHead(503, { "content-type": "text/plain", "retry-after": "5" })
        .end("slack adapter not running\n");
      return;
    }
    const bolt = () => {
      try {
        http.requestListener(req, res);
      } catch {
        // Bolt throws for paths and methods that are not its endpoint.
        if (!res.headersSent) res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found\n");
      }
    };
    const events = req.method === "POST" && req.url === SLACK_EVENTS_PATH ? lane() : undefined;
    if (events) events(req, res, bolt);
    else bolt();
  };
}
