import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import {
  installationOwner,
  installationWorkspace,
  openInstallation,
  type SealedKind,
} from "../../../core/sealed-kinds.js";
import type { SecretBox } from "../../../core/secret-box.js";

/** The kind of a sealed installation in reports (`secret-unreadable`, `secrets reseal`, doctor). */
const KIND: SealedKind = "slack-installation";

/**
 * The few Redis commands the installation store uses (the app wires ioredis in,
 * see `src/app/installation-redis.ts`; adapters import no Redis client).
 */
export interface InstallationRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  del(key: string): Promise<void>;
}

/** A Slack installation as Bolt's OAuth flow hands it over (`@slack/oauth`). */
export type SlackInstallation = Installation<"v1" | "v2", boolean>;

function workspaceOf(installation: SlackInstallation): string | undefined {
  return installationWorkspace({
    teamId: installation.team?.id,
    enterpriseId: installation.enterprise?.id,
    isEnterpriseInstall: installation.isEnterpriseInstall,
  });
}

/** Thrown by `fetchInstallation` when the workspace has no installation (never installed, or uninstalled). */
export class InstallationNotFoundError extends Error {
  readonly code = "SLACK_INSTALLATION_NOT_FOUND";
  constructor(readonly workspace: string | undefined) {
    super(`no Slack installation for workspace ${workspace ?? "(none)"}`);
    this.name = "InstallationNotFoundError";
  }
}

/**
 * Bolt's `InstallationStore` on Redis: one string per workspace, `{prefix}:slack:installation:<id>`,
 * holding the whole installation (bot token, bot user id, team/enterprise ids, refresh token and expiry)
 * as JSON sealed with AES-256-GCM ({@link SecretBox}, `SECRETS_KEY`) and bound to its workspace (a value
 * copied under another workspace's key does not open) — Redis (and its AOF/RDB files) never hold a token
 * in the clear. A value no configured key opens throws `SECRET_UNREADABLE` (the adapter refuses that
 * workspace's events with a 200 and a log line instead of failing them). Durable by design: deleted on `app_uninstalled` / `tokens_revoked`.
 */
export class RedisInstallationStore implements InstallationStore {
  constructor(
    private readonly redis: InstallationRedis,
    /** The deployment's hash-tagged prefix (`Keys.bull`, e.g. `{nemo}`), so it shares the slot. */
    private readonly prefix: string,
    private readonly box: SecretBox,
  ) {}

  /** The Redis key of one workspace's installation. */
  key(workspace: string): string {
    return `${this.prefix}:slack:installation:${workspace}`;
  }

  async storeInstallation(installation: SlackInstallation): Promise<void> {
    const workspace = workspaceOf(installation);
    if (!workspace) throw new TypeError("installation without a team or enterprise id");
    await this.redis.set(this.key(workspace), this.seal(workspace, installation));
  }

  /** The installation sealed for its workspace: it opens under that workspace's key only. */
  seal(workspace: string, installation: SlackInstallation): string {
    return this.box.encrypt(JSON.stringify(installation), installationOwner(workspace));
  }

  /**
   * The installation a stored value holds for `workspace`; throws `SECRET_UNREADABLE` when no configured
   * key opens it for this workspace. A value of the first format (sealed without its owner) opens only
   * when the installation inside is this workspace's.
   */
  open(workspace: string, sealed: string): SlackInstallation {
    const json = openInstallation(workspace, sealed, (value, owner) => this.box.decrypt(value, owner, KIND));
    return JSON.parse(json) as SlackInstallation;
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<SlackInstallation> {
    const found = await this.find(installationWorkspace(query));
    if (!found) throw new InstallationNotFoundError(installationWorkspace(query));
    return found;
  }

  /** The installation of `workspace` (a ref's workspace), or undefined. */
  async find(workspace: string | undefined): Promise<SlackInstallation | undefined> {
    if (!workspace) return undefined;
    const sealed = await this.redis.get(this.key(workspace));
    return sealed ? this.open(workspace, sealed) : undefined;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const workspace = installationWorkspace(query);
    if (workspace) await this.redis.del(this.key(workspace));
  }
}
