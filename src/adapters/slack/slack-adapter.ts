import type { App } from "@slack/bolt";
import type { ChatAdapter } from "../../core/conversation/chat-adapter.js";
import type { Logger } from "../../core/logger.js";
import { describeFailure } from "../../core/network-failure.js";
import type {
  SlackAdapterConfig,
  SlackRequestListener,
  SlackTransport,
} from "./common/slack-adapter-config.js";
import { ackAfterQueueing } from "./inbound/ack-after-queueing.js";
import { createBoltApp, type SingleWorkspace } from "./inbound/bolt-app.js";
import { type SignedEventLane, signedEventLane } from "./inbound/signed-events.js";
import { chooseTransport, guardedRequestListener, httpReceiver, socketReceiver } from "./setup/receivers.js";
import { SlackConfigError } from "./setup/slack-config-error.js";
import { tokenFailureText } from "./web-api/api-errors.js";
import { slackLogger } from "./web-api/bolt-logger.js";
import { createWebClient } from "./web-api/web-client.js";

/** What {@link createSlackAdapter} returns. */
export interface SlackAdapterSetup {
  /** Start (`auth.test`, then listen / connect) and stop. */
  adapter: ChatAdapter;
  /** The transport chosen: `"socket"` when an app token is set, else `"http"`. */
  transport: SlackTransport;
  /**
   * HTTP mode only: mount on the app's HTTP server at `SLACK_EVENTS_PATH`. It verifies the
   * signature and timestamp (401 otherwise), answers POST `/slack/events`, 404 for anything else, and
   * 503 until `adapter.start()` has resolved (Slack retries those).
   */
  requestListener?: SlackRequestListener | undefined;
}

/**
 * The Slack adapter on Bolt: events (`app_mention`, `message` in owned threads and DMs), the slash
 * command and button clicks become `Inbound`s for `config.handler`. Replies go out through the
 * messenger (`createSlackMessenger`), not through this adapter.
 *
 * Transport: Socket Mode when `appToken` is set (no public URL needed), else HTTP with
 * `signingSecret` through the returned `requestListener`. Throws {@link SlackConfigError} when neither
 * is given.
 */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapterSetup {
  const transport = chooseTransport(config);
  const logger = config.logger.child({ platform: "slack", transport });
  const boltLogger = slackLogger(logger);
  const http = transport === "http" ? httpReceiver(config, logger, boltLogger) : undefined;
  const socket = transport === "socket" ? socketReceiver(config, boltLogger) : undefined;

  let app: App | undefined;
  let lane: SignedEventLane | undefined;
  let running = false;
  let starting: Promise<void> | undefined;

  async function start(): Promise<void> {
    // One workspace: its bot user from auth.test. Many: each request's installation says (Bolt's context).
    const single =
      config.botToken && !config.distribution
        ? await singleWorkspace(config.botToken, config, logger)
        : undefined;
    const created = createBoltApp({ config, receiver: (http ?? socket)!, single, logger, boltLogger });
    app = created.app;
    if (socket) {
      ackAfterQueueing(socket, created.app, logger);
      await created.app.start();
    }
    // One workspace over HTTP: its plain message events skip Bolt (signed-events.ts).
    if (http && single && config.signingSecret)
      lane = signedEventLane(config.signingSecret, created.ctx, logger);
    running = true;
    logger.info(
      { team: single?.team, bot: single?.botUserId, transport, distribution: !!config.distribution },
      "slack-adapter-started",
    );
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
      lane = undefined;
      logger.info("slack-adapter-stopped");
    },
  };

  const requestListener = http
    ? guardedRequestListener(
        http,
        () => running,
        () => lane,
      )
    : undefined;
  return { adapter, transport, ...(requestListener ? { requestListener } : {}) };
}

/** The bot user (and team) of a single-workspace bot token, from `auth.test`. */
async function singleWorkspace(
  token: string,
  config: SlackAdapterConfig,
  logger: Logger,
): Promise<SingleWorkspace> {
  const auth = await createWebClient(token, { apiUrl: config.apiUrl, logger })
    .auth.test()
    .catch((error: unknown) => {
      // The doctor's words: the variable to fix, or the real network cause (never "fetch failed").
      throw new SlackConfigError(
        `auth.test failed: ${tokenFailureText(error, "SLACK_BOT_TOKEN", describeFailure)}`,
      );
    });
  if (!auth.user_id)
    throw new SlackConfigError("auth.test returned no bot user: is SLACK_BOT_TOKEN a bot token?");
  return { botUserId: auth.user_id, botId: auth.bot_id, team: auth.team_id };
}
