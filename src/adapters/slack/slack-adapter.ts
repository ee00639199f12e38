import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, type InstallationStore, SocketModeReceiver } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { ChatAdapter } from "../../core/conversation/chat-adapter.js";
import type { InboundHandler } from "../../core/conversation/inbound.js";
import type { Logger } from "../../core/logger.js";
import { ackAfterQueueing } from "./inbound/ack-after-queueing.js";
import { registerAssistantListeners } from "./inbound/assistant-events.js";
import { registerActionListener } from "./inbound/button-actions.js";
import { registerCommandListener } from "./inbound/commands.js";
import { channelRule, type InboundContext } from "./inbound/context.js";
import { registerEventListeners } from "./inbound/events.js";
import { registerInstallationEvents } from "./inbound/installation-events.js";
import { registerLoginSubmission } from "./inbound/login-modal.js";
import { ThreadOwnership } from "./inbound/thread-ownership.js";
import { installationWorkspace } from "./setup/installation-store.js";
import { SlackConfigError } from "./setup/slack-config-error.js";
import { slackLogger } from "./web-api/bolt-logger.js";
import { UserDirectory } from "./web-api/user-directory.js";
import { createWebClient, slackApiUrl, webClientOptions } from "./web-api/web-client.js";

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
}

/** A node `http` request listener. */
export type SlackRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** How Slack reaches the bot: HTTP requests (signing secret) or a Socket Mode WebSocket (app token). */
export type SlackTransport = "http" | "socket";

/** Settings of {@link createSlackAdapter}. */
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
  const { distribution } = config;
  if (!config.botToken && !distribution) throw new SlackConfigError("SLACK_BOT_TOKEN is required");
  if (distribution && !config.signingSecret)
    throw new SlackConfigError("installing in many workspaces needs HTTP mode: set SLACK_SIGNING_SECRET");
  const transport: SlackTransport = config.appToken && !distribution ? "socket" : "http";
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
                  ...(distribution.authorizationUrl
                    ? { authorizationUrl: distribution.authorizationUrl }
                    : {}),
                  clientOptions: webClientOptions({ apiUrl: config.apiUrl, logger }),
                },
              }
            : {}),
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
    // One workspace: its bot user from auth.test. Many: each request's installation says (Bolt's context).
    const single = config.botToken && !distribution ? await singleWorkspace(config.botToken) : undefined;
    const created = new App({
      ...(single
        ? {
            token: config.botToken!,
            ...(single.botId ? { botId: single.botId } : {}),
            botUserId: single.botUserId,
          }
        : {}),
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
    const perRequest = new AsyncLocalStorage<RequestScope>();
    const scopes = new Map<string, RequestScope>();
    // Every request runs inside the scope of the workspace Bolt authorized it for: its token's client,
    // that workspace's caches, its bot user, and its workspace id (see `InboundContext.workspace`).
    created.use(async ({ context, client, next }) => {
      const workspace = installationWorkspace(context);
      const key = workspace ?? "";
      let scope = scopes.get(key);
      if (!scope || scope.client !== client) {
        scope = {
          workspace,
          client,
          users: new UserDirectory(client, logger),
          threads: new ThreadOwnership(client, logger),
          botUserId: context.botUserId ?? single?.botUserId ?? "",
        };
        scopes.set(key, scope);
      }
      await perRequest.run(scope, next);
    });
    const scope = (): RequestScope => {
      const current = perRequest.getStore();
      if (!current) throw new Error("slack listener outside a request");
      return current;
    };
    const ctx: InboundContext = {
      handler: config.handler,
      logger,
      get client() {
        return scope().client;
      },
      get users() {
        return scope().users;
      },
      get threads() {
        return scope().threads;
      },
      get botUserId() {
        return scope().botUserId;
      },
      workspace: () => perRequest.getStore()?.workspace,
      isAllowed: channelRule(config.allowedChannels, config.allowDirectMessages ?? true),
      onFeedback: config.onFeedback,
    };
    if (distribution) registerInstallationEvents(created, distribution.installations, logger);
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
    logger.info(
      { team: single?.team, bot: single?.botUserId, transport, distribution: !!distribution },
      "slack-adapter-started",
    );
  }

  async function singleWorkspace(token: string) {
    const auth = await createWebClient(token, { apiUrl: config.apiUrl, logger }).auth.test();
    if (!auth.user_id)
      throw new SlackConfigError("auth.test returned no bot user: is SLACK_BOT_TOKEN a bot token?");
    return { botUserId: auth.user_id, botId: auth.bot_id, team: auth.team_id };
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

/** What the listeners of one request use: the workspace's client, caches and bot user. */
interface RequestScope {
  workspace: string | undefined;
  client: WebClient;
  users: UserDirectory;
  threads: ThreadOwnership;
  botUserId: string;
}
