import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { InstallationQuery, InstallationStore } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { installationWorkspace } from "../../../core/sealed-kinds.js";
import { webClientOptions } from "../web-api/web-client.js";
import {
  InstallationNotFoundError,
  type RedisInstallationStore,
  type SlackInstallation,
} from "./installation-store.js";

/** A bot token expiring within this many seconds is refreshed first (as `@slack/oauth` does: 2 hours). */
const EXPIRY_WINDOW_S = 7_200;
/** The refresh call's own timeout (`oauth.v2.access`, no retries). */
const REFRESH_TIMEOUT_MS = 10_000;
/**
 * How long one process may hold a workspace's refresh lock: the call's timeout plus reading and storing
 * the installation, with room to spare, so the lock never runs out under a refresh still in progress.
 */
const LOCK_MS = 3 * REFRESH_TIMEOUT_MS;
/** How often a process waiting for another one's refresh looks again. */
const WAIT_STEP_MS = 50;

/**
 * How the processes of a deployment agree on refreshes (Redis; the app wires `src/store/slack-token-refresh.ts`).
 */
export interface RefreshCoordinator {
  /** Takes the workspace's refresh lock for `ttlMs` as `owner`; false when another holds it. */
  lock(workspace: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if `owner` still holds it (compare-and-delete). */
  unlock(workspace: string, owner: string): Promise<void>;
  /** When the workspace's next refresh may run after failures (epoch ms); undefined when none failed. */
  retryAt(workspace: string): Promise<number | undefined>;
  /** Records a failed refresh at `now` (epoch ms); resolves when the next may run (bounded exponential). */
  failed(workspace: string, now: number): Promise<number>;
  /** Forgets the workspace's failures. */
  succeeded(workspace: string): Promise<void>;
}

/** Thrown when a workspace's token has expired and its refresh is failing (backing off). */
export class TokenRefreshFailedError extends Error {
  readonly code = "SLACK_TOKEN_REFRESH_FAILED";
  constructor(
    readonly workspace: string,
    readonly retryAt: number,
    options?: ErrorOptions,
  ) {
    super(`the Slack token of ${workspace} expired and cannot be refreshed yet`, options);
    this.name = "TokenRefreshFailedError";
  }
}

/** Settings of {@link RotatingInstallationStore}. */
export interface TokenRotationOptions {
  /** `SLACK_CLIENT_ID` / `SLACK_CLIENT_SECRET`: the app's credentials for `oauth.v2.access`. */
  clientId: string;
  clientSecret: string;
  /** `SLACK_API_URL`. */
  apiUrl?: string | undefined;
  logger: Logger;
  /** Seconds since the epoch (tests); default the clock. */
  now?: () => number;
}

/**
 * The installation store every reader goes through (Bolt's `authorize` on the gateway, the messenger and
 * file downloads in workers): it hands out an installation whose bot token is valid. When token rotation
 * is on and the token expires within two hours, it is refreshed first (`oauth.v2.access`,
 * `grant_type=refresh_token`) and the new token, refresh token and expiry are stored.
 *
 * One refresh per workspace at a time: concurrent readers in one process share one refresh
 * (single-flight), and processes take the workspace's Redis lock with an owner value of their own —
 * released by compare-and-delete, held longer than the call may take — while a process that finds it
 * taken waits for the holder's result. A failed refresh backs off per workspace (shared in Redis,
 * doubling up to a bound): until then readers get the current token while it is still valid, and a
 * coded {@link TokenRefreshFailedError} once it has expired, without calling Slack. Bolt is handed
 * installations without their refresh token, so it never refreshes on its own.
 */
export class RotatingInstallationStore implements InstallationStore {
  private readonly inFlight = new Map<string, Promise<SlackInstallation>>();
  private readonly client: WebClient;
  private readonly now: () => number;
  /** This store's lock owner value: the process and a random part (several stores may share a pid). */
  private readonly owner = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly store: RedisInstallationStore,
    private readonly refreshes: RefreshCoordinator,
    private readonly options: TokenRotationOptions,
  ) {
    this.client = new WebClient(undefined, { ...webClientOptions(options), timeout: REFRESH_TIMEOUT_MS });
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  storeInstallation(installation: SlackInstallation): Promise<void> {
    return this.store.storeInstallation(installation);
  }

  deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    return this.store.deleteInstallation(query);
  }

  /** Bolt's read: without the refresh token and expiry, since refreshing is this store's alone. */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<SlackInstallation> {
    const workspace = installationWorkspace(query);
    const found = await this.find(workspace);
    if (!found) throw new InstallationNotFoundError(workspace);
    if (!found.bot?.refreshToken) return found;
    const { refreshToken: _refreshToken, expiresAt: _expiresAt, ...bot } = found.bot;
    return { ...found, bot };
  }

  /** The installation of `workspace` with a valid bot token, or undefined when it is not installed. */
  async find(workspace: string | undefined): Promise<SlackInstallation | undefined> {
    const installation = await this.store.find(workspace);
    if (!workspace || !installation || !this.expiring(installation)) return installation;
    let refresh = this.inFlight.get(workspace);
    if (!refresh) {
      refresh = this.refreshOnce(workspace).finally(() => this.inFlight.delete(workspace));
      this.inFlight.set(workspace, refresh);
    }
    return refresh;
  }

  private expiring(installation: SlackInstallation): boolean {
    const { bot } = installation;
    return !!bot?.refreshToken && bot.expiresAt !== undefined && bot.expiresAt - this.now() < EXPIRY_WINDOW_S;
  }

  /**
   * Refreshes under the workspace's Redis lock, unless failures make it wait; waits for another
   * process's refresh while that one holds the lock.
   */
  private async refreshOnce(workspace: string): Promise<SlackInstallation> {
    const deadline = Date.now() + LOCK_MS;
    for (;;) {
      const installation = await this.store.find(workspace);
      if (!installation) throw new InstallationNotFoundError(workspace);
      if (!this.expiring(installation)) return installation;
      const retryAt = await this.refreshes.retryAt(workspace);
      if (retryAt !== undefined && retryAt > this.now() * 1000)
        return this.meanwhile(workspace, installation, retryAt);
      if (await this.refreshes.lock(workspace, this.owner, LOCK_MS)) {
        try {
          // Read again under the lock: another process may have refreshed just before.
          const current = await this.store.find(workspace);
          if (!current) throw new InstallationNotFoundError(workspace);
          return this.expiring(current) ? await this.refreshOrBackOff(workspace, current) : current;
        } finally {
          await this.refreshes.unlock(workspace, this.owner);
        }
      }
      if (Date.now() > deadline) throw new Error(`slack token refresh of ${workspace} timed out`);
      await delay(WAIT_STEP_MS);
    }
  }

  /** While a failed refresh waits: the current token as long as it is valid, else a coded error. */
  private meanwhile(
    workspace: string,
    installation: SlackInstallation,
    retryAt: number,
    cause?: unknown,
  ): SlackInstallation {
    const expiresAt = installation.bot?.expiresAt ?? 0;
    if (expiresAt > this.now()) return installation;
    throw new TokenRefreshFailedError(workspace, retryAt, cause === undefined ? undefined : { cause });
  }

  private async refreshOrBackOff(workspace: string, current: SlackInstallation): Promise<SlackInstallation> {
    try {
      const refreshed = await this.refresh(workspace, current);
      await this.refreshes.succeeded(workspace);
      return refreshed;
    } catch (error) {
      const retryAt = await this.refreshes.failed(workspace, this.now() * 1000);
      this.options.logger.warn(
        { workspace, err: error instanceof Error ? error.message : String(error), retryAt },
        "slack-token-refresh-failed",
      );
      return this.meanwhile(workspace, current, retryAt, error);
    }
  }

  private async refresh(workspace: string, installation: SlackInstallation): Promise<SlackInstallation> {
    const bot = installation.bot!;
    const answer = await this.client.oauth.v2.access({
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      grant_type: "refresh_token",
      refresh_token: bot.refreshToken!,
    });
    if (!answer.access_token || !answer.refresh_token || answer.expires_in === undefined)
      throw new Error("oauth.v2.access returned no rotated token");
    const refreshed: SlackInstallation = {
      ...installation,
      bot: {
        ...bot,
        token: answer.access_token,
        refreshToken: answer.refresh_token,
        expiresAt: this.now() + answer.expires_in,
      },
    };
    await this.store.storeInstallation(refreshed);
    this.options.logger.info({ workspace, expiresIn: answer.expires_in }, "slack-token-rotated");
    return refreshed;
  }
}
