import { App, type CodedError, type Receiver, type Logger as SlackLogger } from "@slack/bolt";
import { errorCode, errorField } from "../../../core/error-code.js";
import type { Logger } from "../../../core/logger.js";
import { WORKSPACE_BOUNDS } from "../common/lru-map.js";
import type { SlackAdapterConfig } from "../common/slack-adapter-config.js";
import { webClientOptions } from "../web-api/web-client.js";
import { registerAssistantListeners } from "./assistant-events.js";
import { boundBoltClients } from "./bolt-clients.js";
import { registerActionListener } from "./button-actions.js";
import { registerCommandListener } from "./commands.js";
import { channelRule } from "./context.js";
import { registerEventListeners } from "./events.js";
import { registerInstallationEvents } from "./installation-events.js";
import { registerLoginSubmission } from "./login-modal.js";
import { type ScopedContext, scopeRequests } from "./request-scope.js";
import { registerSettingsSubmission } from "./settings-modal.js";

/** The one workspace of a bot token, from `auth.test`. */
export interface SingleWorkspace {
  botUserId: string;
  botId: string | undefined;
  team: string | undefined;
}

/**
 * The workspace's installation exists but no configured key opens it (`SECRET_UNREADABLE` under Bolt's
 * authorization errors): nothing can be done with its events until the key is fixed.
 */
function unreadableInstallation(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (errorCode(current) === "SECRET_UNREADABLE") return true;
    current = errorField(current, "original") ?? errorField(current, "cause");
  }
  return false;
}

/** The workspace an event, command or click came from, for the log line. */
function workspaceOf(body: unknown): unknown {
  const team = errorField(body, "team");
  return errorField(body, "team_id") ?? errorField(team, "id") ?? errorField(body, "enterprise_id");
}

/** What {@link createBoltApp} needs. */
export interface BoltAppOptions {
  config: SlackAdapterConfig;
  receiver: Receiver;
  /** One workspace (a bot token); undefined when each request's installation says (distribution). */
  single: SingleWorkspace | undefined;
  logger: Logger;
  boltLogger: SlackLogger;
}

/**
 * Bolt's `App` with every inbound listener: events, the slash command, button clicks, the login modal,
 * the AI-app container's events and, for a distributed app, uninstalls. A listener's failure is
 * rethrown, so the HTTP receiver answers 500 and Slack sends the event again (deduplicated) — except
 * for a workspace whose installation no configured key opens: refused with a log line, answered 200.
 * Returns the app and its listeners' context (for the signed-event lane, signed-events.ts).
 */
export function createBoltApp({ config, receiver, single, logger, boltLogger }: BoltAppOptions): {
  app: App;
  ctx: ScopedContext;
} {
  const app = new App({
    ...(single
      ? {
          token: config.botToken!,
          ...(single.botId ? { botId: single.botId } : {}),
          botUserId: single.botUserId,
        }
      : {}),
    receiver,
    logger: boltLogger,
    extendedErrorHandler: true,
    clientOptions: webClientOptions({ apiUrl: config.apiUrl, logger }),
    convoStore: false,
  });
  const maxWorkspaces = config.distribution?.maxWorkspaces ?? WORKSPACE_BOUNDS.workspaces;
  if (config.distribution) boundBoltClients(app, maxWorkspaces, logger);
  app.error(async ({ error, body }: { error: CodedError; body: unknown }) => {
    if (unreadableInstallation(error)) {
      // Answered 200: failing it would make Slack retry it, and eventually turn event delivery off.
      logger.error(
        { workspace: workspaceOf(body), reason: "installation-unreadable" },
        "slack-event-refused",
      );
      return;
    }
    logger.warn({ code: error.code, err: error.message }, "slack-listener-error");
    throw error;
  });
  const ctx = scopeRequests(
    app,
    {
      handler: config.handler,
      logger,
      isAllowed: channelRule(config.allowedChannels, config.allowDirectMessages ?? true),
      onFeedback: config.onFeedback,
    },
    single?.botUserId,
    single ? undefined : { ...WORKSPACE_BOUNDS, workspaces: maxWorkspaces },
  );
  if (config.distribution) registerInstallationEvents(app, config.distribution.installations, logger);
  registerEventListeners(app, ctx);
  registerCommandListener(app, ctx);
  registerActionListener(app, ctx);
  registerLoginSubmission(app, ctx);
  // Settings (issue 21)
  registerSettingsSubmission(app, ctx);
  registerAssistantListeners(app, ctx);
  return { app, ctx };
}
