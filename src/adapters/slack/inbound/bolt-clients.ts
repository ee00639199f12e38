import type { App } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { LruMap } from "../common/lru-map.js";

/** One workspace's client: the token it was made for. */
interface KeptClient {
  token: string;
  client: WebClient;
}

/** What Bolt 5's `App` reads from its `clients` field: a pool per team or enterprise id. */
interface BoltClientPool {
  getOrCreate(token: string, options: WebClientOptions): WebClient;
}

/**
 * Bounds the Web API clients Bolt makes for a distributed app. Bolt 5's `App` keeps, in its `clients`
 * field, one pool per team or enterprise id and in it one `WebClient` per token, forever: with token
 * rotation every workspace gains a client each 12 hours, and every workspace that ever sent an event
 * keeps one. Here that field is replaced by one LRU of `maxWorkspaces` workspaces holding one client
 * each, for the token in use (a rotated token replaces it). Returns the LRU (tests read its size).
 *
 * `clients` is Bolt's own (not public API): when a Bolt upgrade no longer has it, nothing is replaced
 * and a warning is logged at start, and the test of this bound fails.
 */
export function boundBoltClients(
  app: App,
  maxWorkspaces: number,
  logger: Logger,
): LruMap<string, KeptClient> {
  const kept = new LruMap<string, KeptClient>(maxWorkspaces);
  const bolt = app as unknown as { clients?: unknown };
  if (typeof bolt.clients !== "object" || bolt.clients === null) {
    logger.warn("slack-client-pool-unbounded");
    return kept;
  }
  const poolOf = (workspace: string): BoltClientPool => ({
    getOrCreate(token, options) {
      const current = kept.get(workspace);
      if (current?.token === token) return current.client;
      const client = new WebClient(token, options);
      kept.set(workspace, { token, client });
      return client;
    },
  });
  bolt.clients = new Proxy({} as Record<string, BoltClientPool>, {
    get: (_pools, workspace) => (typeof workspace === "string" ? poolOf(workspace) : undefined),
    // Bolt stores a new pool when it found none: there is always one here, so nothing is kept.
    set: () => true,
  });
  return kept;
}
