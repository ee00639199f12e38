import { AsyncLocalStorage } from "node:async_hooks";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { LruMap } from "../common/lru-map.js";
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

/** Bounds of the per-workspace state of a distributed app (see `WORKSPACE_BOUNDS`). */
interface ScopeBounds {
  workspaces: number;
  usersEach: number;
  threadsEach: number;
}

/** What {@link inboundContext} takes besides the per-request scope. */
type ContextSettings = Pick<InboundContext, "handler" | "logger" | "isAllowed" | "onFeedback">;

/**
 * Runs every request inside the scope of the workspace Bolt authorized it for (a global middleware):
 * its token's client, that workspace's caches, its bot user, and its workspace id. Returns the listeners'
 * context, whose Slack helpers are those of the current request's scope. With `bounds` (a distributed
 * app) only the most recently active workspaces keep a scope, each with smaller caches, so memory does
 * not grow with the number of installations; a dropped workspace gets a fresh scope on its next request.
 */
export function scopeRequests(
  app: App,
  settings: ContextSettings,
  singleBotUserId: string | undefined,
  bounds?: ScopeBounds,
): InboundContext {
  const perRequest = new AsyncLocalStorage<RequestScope>();
  // One bot token: one workspace (a few scopes at most, should an org-wide token report several); the
  // default caches.
  const scopes = new LruMap<string, RequestScope>(bounds?.workspaces ?? 4);
  app.use(async ({ context, client, next }) => {
    const workspace = installationWorkspace(context);
    const key = workspace ?? "";
    let scope = scopes.get(key);
    if (!scope || scope.client !== client) {
      scope = {
        workspace,
        client,
        users: new UserDirectory(client, settings.logger, bounds ? { maxEntries: bounds.usersEach } : {}),
        threads: new ThreadOwnership(client, settings.logger, bounds?.threadsEach),
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
