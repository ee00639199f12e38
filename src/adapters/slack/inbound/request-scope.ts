import { AsyncLocalStorage } from "node:async_hooks";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { installationWorkspace } from "../../../core/sealed-kinds.js";
import { LruMap } from "../common/lru-map.js";
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
): ScopedContext {
  const perRequest = new AsyncLocalStorage<RequestScope>();
  // While every request had one and the same scope (one bot token, one workspace: the usual case) it is
  // `sole`, and requests run without AsyncLocalStorage, whose promise hooks would tax every promise of
  // the process. From the first request with another scope on, each request runs in its own; those that
  // started before that have no store and read `sole`, their scope.
  const current: CurrentScope = { perRequest, sole: undefined, shared: false };
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
    if (!current.shared && (current.sole === undefined || current.sole === scope)) {
      current.sole = scope;
      return next();
    }
    current.shared = true;
    await perRequest.run(scope, next);
  });
  return inboundContext(current, settings);
}

/** Where a listener finds its request's scope: its own (AsyncLocalStorage), else the sole one. */
interface CurrentScope {
  perRequest: AsyncLocalStorage<RequestScope>;
  sole: RequestScope | undefined;
  /** A request has run in another scope than `sole`: from then on each request runs in its own. */
  shared: boolean;
}

/** The listeners' context, and whether a request may run in it outside Bolt. */
export interface ScopedContext extends InboundContext {
  /**
   * Every request so far ran in one scope, that of `workspace`: a request of that workspace that Bolt
   * would run in it (same token, same client) may run outside Bolt, in it (see signed-events.ts).
   */
  isSole(workspace: string): boolean;
}

function inboundContext(current: CurrentScope, settings: ContextSettings): ScopedContext {
  const find = (): RequestScope | undefined => current.perRequest.getStore() ?? current.sole;
  const scope = (): RequestScope => {
    const found = find();
    if (!found) throw new Error("slack listener outside a request");
    return found;
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
    workspace: () => find()?.workspace,
    isSole: (workspace) => !current.shared && current.sole?.workspace === workspace,
  };
}
