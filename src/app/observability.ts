import diagnostics from "node:diagnostics_channel";
import type { Queue, Worker } from "bullmq";
import type { Config } from "../config/config.js";
import { configuredPlatforms } from "../config/platform-setup.js";
import { REPLIED_BACKEND_ERROR_CHANNEL } from "../core/conversation/replied-errors.js";
import { errorCode } from "../core/error-code.js";
import type { Logger } from "../core/logger.js";
import type { JobServices } from "../jobs/services.js";
import { AdminServer } from "./admin-server.js";
import { registerCreditsMetric } from "./credits-metric.js";
import { Health } from "./health.js";
import { Metrics } from "./metrics.js";
import { observeOutboundHttp } from "./outbound-http-metrics.js";
import { portFailureText } from "./port-checks.js";
import { createQueueBoard } from "./queue-board.js";
import { registerQueueMetrics } from "./queue-metrics.js";
import { StartupError } from "./startup-failure.js";
import { observeWorkers } from "./worker-metrics.js";

export interface Observability {
  metrics: Metrics;
  /** Shared with the public port's `/healthz`; `health.setDegraded(reason, on)` for other parts. */
  health: Health;
  /** The admin port actually listened on (the OS's choice when `ADMIN_PORT` is 0, or unset and 9464 busy). */
  adminPort: number;
  /** How that port was chosen, for the start-up banner. */
  adminPortChoice: AdminPortChoice;
  close(): Promise<void>;
}

/**
 * Metrics, health and the admin port (`/metrics`, `/healthz`, `/queues`) of one process, any role.
 * With `ADMIN_PORT` unset it takes the default (9464) when free and any free port otherwise, so several
 * processes share a host without settings; a set `ADMIN_PORT` is strict (taken: the start is refused).
 */
export async function startObservability(options: {
  config: Config;
  services: Pick<JobServices, "queues" | "redis" | "client" | "breaker"> &
    Partial<Pick<JobServices, "usage" | "quotas">>;
  /** This process's workers (none in a gateway). */
  workers: Worker[];
  logger: Logger;
  /** Made beforehand when job processors record through it too (`JobMetrics`). */
  metrics?: Metrics | undefined;
}): Promise<Observability> {
  const { config, services, logger } = options;
  const queues: Queue[] = Object.values(services.queues);
  const metrics = options.metrics ?? new Metrics();
  // Any key of the deployment's hash tag: on a cluster the check asks the master that holds them.
  const health = new Health(services.redis, undefined, `${services.queues.turn.opts.prefix}:health`);
  health.onChange((reason, on) => metrics.setDegraded(reason, on));
  // Known reasons start at 0 (not degraded), so panels and alerts see the series before the first outage.
  metrics.setDegraded("backend-circuit-open", false);
  metrics.platformsInUse(configuredPlatforms(config));
  // The backend's circuit (shared through Redis): open → degraded, on every role (a gateway refreshes it).
  const { breaker } = services;
  metrics.registry.registerMetric(breaker.openedTotal);
  metrics.registry.registerMetric(breaker.waitsTotal);
  if (services.usage) metrics.registry.registerMetric(services.usage.recordedTotal);
  if (services.quotas) metrics.registry.registerMetric(services.quotas.refusedTotal);
  breaker.on("open", () => health.setDegraded("backend-circuit-open", true));
  breaker.on("close", () => health.setDegraded("backend-circuit-open", false));
  const breakerWatch = setInterval(() => void breaker.check().catch(() => undefined), 5_000).unref();
  registerQueueMetrics(metrics.registry, queues);
  registerCreditsMetric(
    metrics.registry,
    services.client.tokens.isOperatorToken ? "operator" : "anonymous",
    async () =>
      (await services.client.credits({ platform: "console", signal: AbortSignal.timeout(10_000) })).available,
  );
  observeWorkers(options.workers, metrics);
  const stopWatching = watchCalls(config, metrics);
  const admin = new AdminServer({
    health,
    registry: metrics.registry,
    board: createQueueBoard(queues, { writes: config.ADMIN_BOARD_WRITES && Boolean(config.ADMIN_TOKEN) }),
    token: config.ADMIN_TOKEN,
    allowedHosts: config.ADMIN_ALLOWED_HOSTS,
    logger,
  });
  const listened = await listenAdmin(admin, config).catch((error: unknown) => {
    stopWatching();
    clearInterval(breakerWatch);
    throw error;
  });
  const adminPort = listened.port;
  health.setAdminPort(adminPort);
  logger.info(
    {
      host: config.ADMIN_HOST,
      port: adminPort,
      choice: listened.choice,
      auth: config.ADMIN_TOKEN ? "token" : "none",
    },
    "admin-listening",
  );
  return {
    metrics,
    health,
    adminPort,
    adminPortChoice: listened.choice,
    close: async () => {
      clearInterval(breakerWatch);
      stopWatching();
      await admin.close();
    },
  };
}

/** `set`: ADMIN_PORT as given; `default`: unset, the default was free; `free`: unset, the default was busy. */
export type AdminPortChoice = "set" | "default" | "free";

/**
 * Listens on the admin port: a set ADMIN_PORT strictly; unset, the default or else any free port. A
 * port that cannot be had is refused with `doctor`'s words (the variable, and a value that fixes it).
 */
async function listenAdmin(
  admin: AdminServer,
  config: Config,
): Promise<{ port: number; choice: AdminPortChoice }> {
  const { ADMIN_PORT: port, ADMIN_HOST: host } = config;
  try {
    try {
      return { port: await admin.listen(port, host), choice: config.adminPortExplicit ? "set" : "default" };
    } catch (error) {
      if (config.adminPortExplicit || errorCode(error) !== "EADDRINUSE") throw error;
      return { port: await admin.listen(0, host), choice: "free" };
    }
  } catch (error) {
    const code = errorCode(error);
    if (!code) throw error;
    throw new StartupError(portFailureText("ADMIN_PORT", port, host, code), { cause: error });
  }
}

/**
 * Outbound calls (backend and platforms, their HTTP failures) and the backend errors answered to users
 * (`replied-errors.ts`) into the metrics; returns the function that stops watching.
 */
function watchCalls(config: Config, metrics: Metrics): () => void {
  const stopWatching = observeOutboundHttp(
    {
      backend: config.NEMO_API_URL,
      platforms: {
        discord: config.DISCORD_API_URL ?? "https://discord.com",
        slack: config.SLACK_API_URL ?? "https://slack.com",
      },
    },
    metrics,
  );
  const repliedError = (message: unknown) => metrics.backendError((message as { code: string }).code);
  diagnostics.subscribe(REPLIED_BACKEND_ERROR_CHANNEL, repliedError);
  return () => {
    stopWatching();
    diagnostics.unsubscribe(REPLIED_BACKEND_ERROR_CHANNEL, repliedError);
  };
}
