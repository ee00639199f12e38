import { setTimeout as delay } from "node:timers/promises";
import type { InstallationQuery, InstallationStore } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { Logger } from "../../../core/logger.js";
import { webClientOptions } from "../web-api/web-client.js";
import {
  InstallationNotFoundError,
  type InstallationRedis,
  installationWorkspace,
  type RedisInstallationStore,
  type SlackInstallation,
} from "./installation-store.js";

/** A bot token expiring within this many seconds is refreshed first (as `@slack/oauth` does: 2 hours). */
const EXPIRY_WINDOW_S = 7_200;
/** How long one process may hold a workspace's refresh lock. */
const LOCK_MS = 15_000;
/** How often a process waiting for another one's refresh looks again. */
const WAIT_STEP_MS = 50;

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
 * The installation store every reader goes through (Bolt's `authorize` on the gateway, the messenger in
 * workers): it hands out an installation whose bot token is valid. When token rotation is on and the
 * token expires within two hours, it is refreshed first (`oauth.v2.access`, `grant_type=refresh_token`)
 * and the new token, refresh token and expiry are stored. One refresh per workspace at a time: concurrent
 * readers in one process share one refresh (single-flight), and processes take a Redis lock
 * (`SET NX PX`) — a process that finds it taken waits for the holder's result instead of refreshing too.
 * Since Bolt's own `authorize` then always sees a fresh token, it never refreshes on its own.
 */
export class RotatingInstallationStore implements InstallationStore {
  private readonly inFlight = new Map<string, Promise<SlackInstallation>>();
  private readonly client: WebClient;
  private readonly now: () => number;

  constructor(
    private readonly store: RedisInstallationStore,
    private readonly redis: InstallationRedis,
    private readonly options: TokenRotationOptions,
  ) {
    this.client = new WebClient(undefined, webClientOptions(options));
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  storeInstallation(installation: SlackInstallation): Promise<void> {
    return this.store.storeInstallation(installation);
  }

  deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    return this.store.deleteInstallation(query);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<SlackInstallation> {
    const workspace = installationWorkspace(query);
    const found = await this.find(workspace);
    if (!found) throw new InstallationNotFoundError(workspace);
    return found;
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

  /** Refreshes under the workspace's Redis lock; waits for another process's refresh when it holds it. */
  private async refreshOnce(workspace: string): Promise<SlackInstallation> {
    const lock = `${this.store.key(workspace)}:refreshing`;
    const deadline = Date.now() + LOCK_MS;
    for (;;) {
      const installation = await this.store.find(workspace);
      if (!installation) throw new InstallationNotFoundError(workspace);
      if (!this.expiring(installation)) return installation;
      if (await this.redis.setIfAbsent(lock, String(process.pid), LOCK_MS)) {
        try {
          // Read again under the lock: another process may have refreshed just before.
          const current = await this.store.find(workspace);
          if (!current) throw new InstallationNotFoundError(workspace);
          return this.expiring(current) ? await this.refresh(workspace, current) : current;
        } finally {
          await this.redis.del(lock);
        }
      }
      if (Date.now() > deadline) throw new Error(`slack token refresh of ${workspace} timed out`);
      await delay(WAIT_STEP_MS);
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
