import type { Queue, Worker } from "bullmq";
import type { Config } from "../config/config.js";
import { errorCode } from "../core/error-code.js";
import type { Logger } from "../core/logger.js";
import type { JobServices } from "../jobs/services.js";
import { AdminServer } from "./admin-server.js";
import { registerCreditsMetric } from "./credits-metric.js";
import { Health } from "./health.js";
import { Metrics } from "./metrics.js";
import { observeOutboundHttp } from "./outbound-http-metrics.js";
import { createQueueBoard } from "./queue-board.js";
import { registerQueueMetrics } from "./queue-metrics.js";
import { observeWorkers } from "./worker-metrics.js";

export interface Observability {
  metrics: Metrics;
  /** Shared with the public port's `/healthz`; `health.setDegraded(reason, on)` for other parts. */
  health: Health;
  /** The admin port actually listened on (the OS's choice when `ADMIN_PORT` is 0). */
  adminPort: number;
  close(): Promise<void>;
}

/**
 * Metrics, health and the admin port (`/metrics`, `/healthz`, `/queues`) of one process, any role.
 * Fails when the admin port is taken: several processes on one host need their own `ADMIN_PORT`, or 0.
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
  const admin = new AdminServer({
    health,
    registry: metrics.registry,
    board: createQueueBoard(queues, { writes: config.ADMIN_BOARD_WRITES && Boolean(config.ADMIN_TOKEN) }),
    token: config.ADMIN_TOKEN,
    allowedHosts: config.ADMIN_ALLOWED_HOSTS,
    logger,
  });
  let adminPort: number;
  try {
    adminPort = await admin.listen(config.ADMIN_PORT, config.ADMIN_HOST);
  } catch (error) {
    stopWatching();
    if (errorCode(error) === "EADDRINUSE") {
      throw new Error(
        `ADMIN_PORT ${config.ADMIN_PORT} on ${config.ADMIN_HOST} is in use: give each process on this host its own ADMIN_PORT, or 0 for any free port`,
      );
    }
    throw error;
  }
  logger.info(
    { host: config.ADMIN_HOST, port: adminPort, auth: config.ADMIN_TOKEN ? "token" : "none" },
    "admin-listening",
  );
  return {
    metrics,
    health,
    adminPort,
    close: async () => {
      clearInterval(breakerWatch);
      stopWatching();
      await admin.close();
    },
  };
}
