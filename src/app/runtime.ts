import { setTimeout as delay } from "node:timers/promises";
import type { RedisOptions } from "ioredis";
import type { Dispatcher } from "undici";
import { workerConcurrency } from "../config/concurrency.js";
import type { WorkerConcurrency } from "../config/concurrency-defaults.js";
import {
  breakerSettings,
  type Config,
  maxUploadBytes,
  nemoClientSettings,
  quotaSettings,
} from "../config/config.js";
import { mediaUrlPolicy } from "../config/media-hosts.js";
import { PRODUCTION_TIMINGS, type Timings, timingsFromConfig } from "../config/timings.js";
import { ProjectLinks } from "../conversation/exports/project-links.js";
import { Intake } from "../conversation/intake.js";
import { Outbox } from "../conversation/outbox.js";
import { TableClaimLinkPermission } from "../conversation/policies/claim-link-permission.js";
import { CreditsGuard } from "../conversation/policies/credits-guard.js";
import { Permissions } from "../conversation/policies/permissions.js";
import { QueueOnce } from "../conversation/queue-once.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { SessionManager } from "../core/conversation/session-manager.js";
import type { Logger } from "../core/logger.js";
import { ClaimLinks } from "../core/nemo/claim-links.js";
import { NemoClient } from "../core/nemo/client.js";
import { BullWorkQueue } from "../jobs/bull-work-queue.js";
import { outboxQueue } from "../jobs/deliver-jobs.js";
import { closeQueues, createQueues, type Queues } from "../jobs/queues.js";
import type { JobServices } from "../jobs/services.js";
import { type RunningWorkers, startWorkers } from "../jobs/workers.js";
import { connectRedis, type RedisClient } from "../redis/connect.js";
import { type EmbeddedRedis, startEmbeddedRedis } from "../redis/embedded-redis.js";
import { describeRedisTarget, redisTargetFrom } from "../redis/redis-target.js";
import { waitUntilReady } from "../redis/wait-until-ready.js";
import { AccountStore } from "../store/account-store.js";
import { BackendBreaker } from "../store/backend-breaker.js";
import { CreditBalances } from "../store/credit-balances.js";
import { ExportReferences } from "../store/export-references.js";
import { Keys } from "../store/keys.js";
import { MessageRecords } from "../store/message-records.js";
import { PartialAnswers } from "../store/partial-answers.js";
import { PrivateButtons } from "../store/private-buttons.js";
import { Quotas } from "../store/quotas.js";
import { RedisConversationStore } from "../store/redis-conversation-store.js";
import { RedisKeyValueStore } from "../store/redis-key-value-store.js";
import { ReplyAddresses } from "../store/reply-addresses.js";
import { SeenWork } from "../store/seen-work.js";
import { SentMarker } from "../store/sent-marker.js";
import { SettingsStore } from "../store/settings-store.js";
import { ThreadLine } from "../store/thread-line.js";
import { ThreadOwners } from "../store/thread-owners.js";
import { Usage } from "../store/usage.js";
import { secretBoxOf } from "./secret-box-of.js";

/** How long the bot waits for Redis at start before it gives up with a clear error. */
const REDIS_START_TIMEOUT_MS = 15_000;

const INTAKE_COMMAND_TIMEOUT_MS = 2_000;

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  messengers: Messengers;
  /** Redis key prefix (hash-tagged); tests use a unique one each. */
  prefix?: string | undefined;
  timings?: Partial<Timings> | undefined;
  /** Extra NemoClient settings (tests shorten the 429 wait). */
  rateLimitWaitMs?: number | undefined;
  /** Aborts the start (a Ctrl-C while Redis starts or is awaited). */
  signal?: AbortSignal | undefined;
  /** The connection pool for attachment downloads (tests pass one that trusts their TLS certificate). */
  downloadDispatcher?: Dispatcher | undefined;
}

/** Everything one process of the bot needs, wired from configuration. */
export class Runtime {
  /** The intake every adapter hands events to. */
  readonly intake: Intake;
  /** The intake's once-only queueing, through which workers queue follow-up work too. */
  private readonly queueOnce: QueueOnce;
  private workers: RunningWorkers | undefined;

  private constructor(
    readonly services: JobServices,
    private readonly config: Config,
    private readonly messengers: Messengers,
    private readonly intakeQueues: Queues,
    private readonly embedded: EmbeddedRedis | undefined,
    private readonly downloadDispatcher?: Dispatcher | undefined,
  ) {
    const redis = intakeQueues.turn.opts.connection as RedisClient;
    this.queueOnce = new QueueOnce({
      seen: new SeenWork(redis, services.keys),
      queue: new BullWorkQueue(intakeQueues),
      owners: new ThreadOwners(redis, services.keys),
      // On the intake's connection (fails fast): a Redis outage refuses the event within the platform's window.
      replies: new ReplyAddresses(redis, services.keys, secretBoxOf(config, services.logger)),
      logger: services.logger,
      maxUploadBytes: maxUploadBytes(config),
    });
    this.intake = new Intake({
      queue: this.queueOnce,
      sessions: services.sessions,
      logger: services.logger,
      accounts: services.accounts,
      privateButtons: new PrivateButtons(redis, services.keys),
    });
  }

  static async create(options: RuntimeOptions): Promise<Runtime> {
    const { config, logger } = options;
    const { embedded, redis, intakeRedis } = await connectRuntimeRedis(config, logger, options.signal);
    const keys = new Keys(options.prefix ?? config.KEY_PREFIX);
    const timings: Timings = { ...PRODUCTION_TIMINGS, ...timingsFromConfig(config), ...options.timings };
    const services = createJobServices({ ...options, redis, keys, timings });
    if (!config.SECRETS_KEY) logger.info("accounts-off-no-secrets-key");
    return new Runtime(
      services,
      config,
      options.messengers,
      createQueues(intakeRedis, keys),
      embedded,
      options.downloadDispatcher,
    );
  }

  startWorkers(concurrency?: Partial<WorkerConcurrency>): RunningWorkers {
    this.workers = startWorkers(this.services, this.services.redis, {
      concurrency: { ...workerConcurrency(this.config), ...concurrency },
      maxUploadBytes: maxUploadBytes(this.config),
      followUps: this.queueOnce,
      messengers: this.messengers,
      sources: {
        extraHosts: this.config.DOWNLOAD_HOSTS,
        // The token of the workspace the file came from, from that platform's messenger (distribution:
        // the workspace's installation), never another workspace's.
        botAuthorization: async ({ platform, workspace }) =>
          this.messengers[platform]?.fileAuthorization?.(workspace),
        allowLocalFiles: true,
        timeouts: {
          headersMs: this.config.DOWNLOAD_HEADERS_TIMEOUT_MS,
          idleMs: this.config.DOWNLOAD_IDLE_TIMEOUT_MS,
          totalMs: this.config.DOWNLOAD_TIMEOUT_MS,
        },
        ...(this.downloadDispatcher ? { dispatcher: this.downloadDispatcher } : {}),
      },
    });
    return this.workers;
  }

  /** Stops workers (with their grace period), queues, the client and Redis, in that order. */
  async close(): Promise<void> {
    await this.workers?.close();
    // A worker still running after its grace must keep a live connection: BullMQ retries a command
    // that fails on a closed connection at once, forever, and that loop starves the whole process.
    const workersRunning = this.workers?.workers.some((worker) => worker.isRunning()) ?? false;
    await closeQueues(this.services.queues);
    await closeQueues(this.intakeQueues);
    this.intakeRedis.disconnect();
    await this.services.client.close();
    if (!workersRunning) {
      // QUIT waits for a Redis that is down forever: bound it, then drop the connection.
      await Promise.race([
        this.services.redis.quit().catch(() => undefined),
        delay(2_000, undefined, { ref: false }),
      ]);
      this.services.redis.disconnect();
    }
    await this.embedded?.stop();
  }

  /**
   * The immediate stop (a second Ctrl-C), synchronous because the process exits right after: running
   * jobs are cancelled and left for recovery, the embedded Redis is told to stop (SIGTERM: it flushes
   * its AOF and exits on its own) and the Redis connection is dropped.
   */
  abort(): void {
    for (const worker of this.workers?.workers ?? []) worker.cancelAllJobs("shutdown");
    this.embedded?.terminate();
    this.services.redis.disconnect();
    this.intakeRedis.disconnect();
  }

  /** The intake's own connection (bounded waits; see `create`). */
  private get intakeRedis(): RedisClient {
    return this.intakeQueues.turn.opts.connection as RedisClient;
  }
}

/**
 * The embedded Redis when no `REDIS_URL` is set, the process's main connection (waited for at start)
 * and the intake's own connection with bounded waits.
 */
async function connectRuntimeRedis(
  config: Config,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<{ embedded: EmbeddedRedis | undefined; redis: RedisClient; intakeRedis: RedisClient }> {
  const embedded = config.REDIS_URL ? undefined : await startEmbeddedRedis(config.DATA_DIR, { signal });
  if (embedded) logger.info({ socket: embedded.path }, "redis-embedded-started");
  // REDIS_URL may name one server or a Redis Cluster (redis+cluster://…); see redis/redis-target.ts.
  const redisTarget = redisTargetFrom(config.REDIS_URL);
  const connect = (options: RedisOptions) =>
    connectRedis(redisTarget ?? { kind: "socket", path: embedded!.path }, options);
  // maxRetriesPerRequest null: while Redis restarts, commands wait instead of failing (BullMQ needs it).
  const redis = connect({ maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis-error"));
  // At start an unreachable Redis is a clear error, not an endless reconnect loop.
  const target = redisTarget ? describeRedisTarget(redisTarget) : embedded!.path;
  await waitUntilReady(redis, target, REDIS_START_TIMEOUT_MS, signal).catch(async (error) => {
    redis.disconnect();
    await embedded?.stop();
    throw error;
  });
  // The intake waits a bounded time instead: an event that cannot be queued within Slack's
  // 3-second window is refused, and the platform sends it again, rather than hanging past it.
  // Its commands of one tick go out in one write (a burst of events costs few syscalls).
  const intakeRedis = connect({
    maxRetriesPerRequest: 1,
    commandTimeout: INTAKE_COMMAND_TIMEOUT_MS,
    enableAutoPipelining: true,
  });
  intakeRedis.on("error", (error) => logger.debug({ err: error.message }, "redis-intake-error"));
  return { embedded, redis, intakeRedis };
}

/** What the services are made of: the options of `Runtime.create`, and Redis up. */
interface ServiceParts extends RuntimeOptions {
  redis: RedisClient;
  keys: Keys;
  timings: Timings;
}

/** The backend client (behind the shared circuit breaker), and the stores, policies and outbox on Redis. */
function createJobServices(parts: ServiceParts): JobServices {
  const { config, logger, redis, keys, timings, messengers } = parts;
  const breaker = new BackendBreaker(redis, keys, breakerSettings(config));
  const client = createNemoClient(parts, breaker);
  const queues = createQueues(redis, keys);
  const services: Omit<JobServices, "projectLinks"> = {
    redis,
    keys,
    client,
    sessions: new SessionManager(new RedisConversationStore(redis, keys), client),
    line: new ThreadLine(redis, keys),
    sent: new SentMarker(redis, keys),
    queues,
    outbox: new Outbox(
      messengers,
      outboxQueue(queues.deliver, timings),
      logger.child({ part: "delivery" }),
      new MessageRecords(redis, keys),
    ),
    timings,
    logger,
    breaker,
    partials: new PartialAnswers(redis, keys),
    maxAnswerChars: config.MAX_ANSWER_CHARS,
    media: mediaUrlPolicy(config),
    accounts: new AccountStore(redis, keys, secretBoxOf(config, logger)),
    replies: new ReplyAddresses(redis, keys, secretBoxOf(config, logger)),
    guard: new CreditsGuard(new CreditBalances(redis, keys), client, {
      threshold: config.CREDITS_GUARD_THRESHOLD,
      generationCost: config.CREDITS_GENERATION_COST,
      editCost: config.CREDITS_EDIT_COST,
    }),
    permissions: new Permissions(
      new ThreadOwners(redis, keys),
      messengers,
      {
        slackAdminUsers: config.SLACK_ADMIN_USERS,
        operators: { discord: config.OPERATOR_DISCORD_USERS, slack: config.OPERATOR_SLACK_USERS },
        adminsExempt: config.QUOTA_ADMINS_EXEMPT,
      },
      logger.child({ part: "permissions" }),
    ),
    quotas: new Quotas(redis, keys, quotaSettings(config)),
    usage: new Usage(redis, keys),
    // Settings (issue 21)
    settings: new SettingsStore(redis, keys),
  };
  return { ...services, projectLinks: projectLinksOf(config, services, messengers) };
}

/** "Open in NemoVideo" of finished exports, private to the thread's owner unless `CLAIM_LINKS=public`. */
function projectLinksOf(
  config: Config,
  services: Pick<JobServices, "redis" | "keys" | "client" | "accounts" | "outbox" | "logger" | "permissions">,
  messengers: Messengers,
): ProjectLinks {
  const { redis, keys } = services;
  return new ProjectLinks({
    mode: config.CLAIM_LINKS,
    claims: new ClaimLinks(services.client),
    references: new ExportReferences(redis, keys),
    permission: new TableClaimLinkPermission(new ThreadOwners(redis, keys), services.permissions),
    accounts: services.accounts,
    messengers,
    outbox: services.outbox,
    logger: services.logger.child({ part: "project-links" }),
  });
}

/** The NemoVideo client: its settings, tokens kept in Redis, stream limits from the timings. */
function createNemoClient(parts: ServiceParts, breaker: BackendBreaker): NemoClient {
  const { config, logger, redis, keys, timings } = parts;
  return new NemoClient({
    ...nemoClientSettings(config),
    store: new RedisKeyValueStore(redis, keys, secretBoxOf(config, logger)),
    logger: logger.child({ part: "nemo" }),
    streamHardCapMs: timings.streamHardCapMs,
    heartbeatTimeoutMs: timings.heartbeatTimeoutMs,
    onBackendOutcome: breaker.observe((error) =>
      logger.warn({ err: String(error) }, "breaker-update-failed"),
    ),
    ...(parts.rateLimitWaitMs === undefined ? {} : { rateLimitWaitMs: parts.rateLimitWaitMs }),
  });
}
