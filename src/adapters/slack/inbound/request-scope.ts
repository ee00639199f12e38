import { AsyncLocalStorage } from "node:async_hooks";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { installationWorkspace } from "../setup/installation-store.js";
import { UserDirectory } from "../web-api/user-directory.js";
import type { InboundContext } from "./context.js";
import { ThreadOwnership } from "./thread-ownership.js";

/** What the listeners of one request use: the workspace's client, caches and bot user. */
interface RequestScope {
  workspace: string | undefined;
  client: WebClient;
  users: UserDirectory;
  threads: ThreadOwnership;
  botUserId: string;
}

/** What {@link inboundContext} takes besides the per-request scope. */
type ContextSettings = Pick<InboundContext, "handler" | "logger" | "isAllowed" | "onFeedback">;

/**
 * Runs every request inside the scope of the workspace Bolt authorized it for (a global middleware):
 * its token's client, that workspace's caches, its bot user, and its workspace id. Returns the listeners'
 * context, whose Slack helpers are those of the current request's scope.
 */
export function scopeRequests(
  app: App,
  settings: ContextSettings,
  singleBotUserId: string | undefined,
): InboundContext {
  const perRequest = new AsyncLocalStorage<RequestScope>();
  const scopes = new Map<string, RequestScope>();
  app.use(async ({ context, client, next }) => {
    const workspace = installationWorkspace(context);
    const key = workspace ?? "";
    let scope = scopes.get(key);
    if (!scope || scope.client !== client) {
      scope = {
        workspace,
        client,
        users: new UserDirectory(client, settings.logger),
        threads: new ThreadOwnership(client, settings.logger),
        botUserId: context.botUserId ?? singleBotUserId ?? "",
      };
      scopes.set(key, scope);
    }
    await perRequest.run(scope, next);
  });
  return inboundContext(perRequest, settings);
}

function inboundContext(
  perRequest: AsyncLocalStorage<RequestScope>,
  settings: ContextSettings,
): InboundContext {
  const scope = (): RequestScope => {
    const current = perRequest.getStore();
    if (!current) throw new Error("slack listener outside a request");
    return current;
  };
  return {
    ...settings,
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
  };
}
