import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import type { ChatAdapter } from "../../core/conversation/chat-adapter.js";
import type { InboundHandler } from "../../core/conversation/inbound.js";
import type { Logger } from "../../core/logger.js";
import { ackAfterQueueing } from "./ack-after-queueing.js";
import { slackLogger } from "./bolt-logger.js";
import { registerActionListener } from "./inbound-actions.js";
import { registerAssistantListeners } from "./inbound-assistant.js";
import { registerCommandListener } from "./inbound-commands.js";
import { channelRule, type InboundContext } from "./inbound-context.js";
import { registerEventListeners } from "./inbound-events.js";
import { registerLoginSubmission } from "./login-modal.js";
import { SlackConfigError } from "./slack-config-error.js";
import { ThreadOwnership } from "./thread-ownership.js";
import { UserDirectory } from "./user-locale.js";
import { createWebClient, slackApiUrl, webClientOptions } from "./web-client.js";

/** Where Slack sends events, slash commands and interactivity in HTTP mode (one URL for all three). */
export const SLACK_EVENTS_PATH = "/slack/events";

/** A node `http` request listener. */
export type SlackRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** How Slack reaches the bot: HTTP requests (signing secret) or a Socket Mode WebSocket (app token). */
export type SlackTransport = "http" | "socket";

/** Settings of {@link createSlackAdapter}. */
export interface SlackAdapterConfig {
  /** `SLACK_BOT_TOKEN` (`xoxb-…`). */
  botToken: string;
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
  handler: InboundHandler;
  logger: Logger;
  /** Called for each 👍/👎 on a streamed answer (the app counts them in its metrics). */
  onFeedback?: ((rating: "good" | "bad") => void) | undefined;
}

/** What {@link createSlackAdapter} returns. */
export interface SlackAdapterSetup {
  /** Start (`auth.test`, then listen / connect) and stop. */
  adapter: ChatAdapter;
  /** The transport chosen: `"socket"` when an app token is set, else `"http"`. */
  transport: SlackTransport;
  /**
   * HTTP mode only: mount on the app's HTTP server at {@link SLACK_EVENTS_PATH}. It verifies the
   * signature and timestamp (401 otherwise), answers POST `/slack/events`, 404 for anything else, and
   * 503 until `adapter.start()` has resolved (Slack retries those).
   */
  requestListener?: SlackRequestListener | undefined;
}

/**
 * The Slack adapter on Bolt: events (`app_mention`, `message` in owned threads and DMs), the slash
 * command and button clicks become `Inbound`s for `config.handler`. Replies go out through the
 * messenger ({@link createSlackMessenger}), not through this adapter.
 *
 * Transport: Socket Mode when `appToken` is set (no public URL needed), else HTTP with
 * `signingSecret` through the returned `requestListener`. Throws {@link SlackConfigError} when neither
 * is given.
 */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapterSetup {
  if (!config.botToken) throw new SlackConfigError("SLACK_BOT_TOKEN is required");
  const transport: SlackTransport = config.appToken ? "socket" : "http";
  if (!config.appToken && !config.signingSecret) {
    throw new SlackConfigError("set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)");
  }
  const logger = config.logger.child({ platform: "slack", transport });
  const boltLogger = slackLogger(logger);
  const apiUrl = slackApiUrl(config.apiUrl);
  const http =
    transport === "http"
      ? new HTTPReceiver({
          signingSecret: config.signingSecret ?? "",
          endpoints: SLACK_EVENTS_PATH,
          logger: boltLogger,
          // Slack is answered only once the listener has queued the event (a failure → 500 → Slack
          // sends it again); listeners do Redis work only, well inside Slack's 3 seconds.
          processBeforeResponse: true,
        })
      : undefined;
  const socket =
    transport === "socket"
      ? new SocketModeReceiver({
          appToken: config.appToken ?? "",
          logger: boltLogger,
          installerOptions: { clientOptions: apiUrl ? { slackApiUrl: apiUrl } : {} },
        })
      : undefined;

  let app: App | undefined;
  let running = false;
  let starting: Promise<void> | undefined;

  async function start(): Promise<void> {
    const client = createWebClient(config.botToken, { apiUrl: config.apiUrl, logger });
    const auth = await client.auth.test();
    if (!auth.user_id)
      throw new SlackConfigError("auth.test returned no bot user: is SLACK_BOT_TOKEN a bot token?");
    const created = new App({
      token: config.botToken,
      ...(auth.bot_id ? { botId: auth.bot_id } : {}),
      botUserId: auth.user_id,
      receiver: (http ?? socket)!,
      logger: boltLogger,
      clientOptions: webClientOptions({ apiUrl: config.apiUrl, logger }),
      convoStore: false,
    });
    created.error(async (error) => {
      logger.warn({ code: error.code, err: error.message }, "slack-listener-error");
      // Rethrown so the HTTP receiver answers 500 and Slack sends the event again (deduplicated).
      throw error;
    });
    const ctx: InboundContext = {
      handler: config.handler,
      logger,
      client: created.client,
      users: new UserDirectory(created.client, logger),
      threads: new ThreadOwnership(created.client, logger),
      botUserId: auth.user_id,
      isAllowed: channelRule(config.allowedChannels, config.allowDirectMessages ?? true),
      onFeedback: config.onFeedback,
    };
    registerEventListeners(created, ctx);
    registerCommandListener(created, ctx);
    registerActionListener(created, ctx);
    registerLoginSubmission(created, ctx);
    registerAssistantListeners(created, ctx);
    app = created;
    if (socket) {
      ackAfterQueueing(socket, created, logger);
      await created.start();
    }
    running = true;
    logger.info({ team: auth.team_id, bot: auth.user_id, transport }, "slack-adapter-started");
  }

  const adapter: ChatAdapter = {
    platform: "slack",
    start() {
      starting ??= start().catch((error: unknown) => {
        starting = undefined;
        throw error;
      });
      return starting;
    },
    async stop() {
      running = false;
      starting = undefined;
      if (socket && app) await socket.client.disconnect();
      app = undefined;
      logger.info("slack-adapter-stopped");
    },
  };

  const requestListener: SlackRequestListener | undefined = http
    ? (req, res) => {
        if (!running) {
          res
            .writeHead(503, { "content-type": "text/plain", "retry-after": "5" })
            .end("slack adapter not running\n");
          return;
        }
        try {
          http.requestListener(req, res);
        } catch {
          // Bolt throws for paths and methods that are not its endpoint.
          if (!res.headersSent) res.writeHead(404, { "content-type": "text/plain" });
          res.end("not found\n");
        }
      }
    : undefined;

  return { adapter, transport, ...(requestListener ? { requestListener } : {}) };
}
