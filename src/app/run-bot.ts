import { join } from "node:path";
import { type ConsoleAdapter, ConsoleMessenger, createConsoleAdapter } from "../adapters/console/index.js";
import type { Config } from "../config/config.js";
import { type ChatPlatform, configuredPlatforms } from "../config/platform-setup.js";
import { renamedVariablesIn } from "../config/renamed-variables.js";
import type { Timings } from "../config/timings.js";
import type { ChatAdapter } from "../core/conversation/chat-adapter.js";
import type { IntakePort } from "../core/conversation/inbound.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { createLogger, type Logger } from "../core/logger.js";
import { HttpServer } from "./http-server.js";
import { type Observability, startObservability } from "./observability.js";
import { platformAdapters, platformMessengers, type RedisAccess } from "./platforms.js";
import { bindsPublicPort } from "./port-checks.js";
import type { ProcessLifecycle } from "./process-lifecycle.js";
import { assertReady } from "./readiness.js";
import type { Role } from "./role.js";
import { Runtime } from "./runtime.js";
import { adminPortLine, announceStartup } from "./startup-banner.js";
import { StartupError } from "./startup-failure.js";
import { observeExports, observeWorkers } from "./worker-metrics.js";

/** What a graceful stop may take beyond the workers' grace (queues, connections, the embedded Redis). */
export const STOP_MARGIN_MS = 10_000;

export interface RunBotOptions {
  config: Config;
  role: Role;
  /** Signals and stop requests of this process; installed before anything starts. */
  lifecycle: ProcessLifecycle;
  /** Run the console chat even when stdin is not a terminal (the demo, scripted sessions). */
  forceConsole?: boolean;
  timings?: Partial<Timings>;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Runs one process of the bot: the adapters whose credentials are configured (gateway), the workers,
 * or both; the console chat when no platform is configured and stdin is a terminal. Resolves once
 * stopped (a stop asked for during start-up included); rejects when start-up fails, after stopping
 * whatever had started.
 */
export async function runBot(options: RunBotOptions): Promise<void> {
  const { config, role, lifecycle } = options;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const platforms = configuredPlatforms(config);
  const withConsole =
    role !== "worker" && platforms.length === 0 && (options.forceConsole === true || input.isTTY === true);
  const logFile = withConsole ? join(config.DATA_DIR, "bot.log") : undefined;
  const logger = createLogger({ level: config.LOG_LEVEL, ...(logFile ? { file: logFile } : {}) });
  for (const renamed of renamedVariablesIn(process.env)) logger.warn(renamed, "config-variable-renamed");
  void announceStartup({ config, role, adapters: withConsole ? ["console"] : platforms, logFile }, logger);
  // The doctor's own platform and port checks: what doctor calls not ready does not start either.
  await assertReady(config, role, logger, (line) => process.stderr.write(`${line}\n`));
  const parts: ProcessParts = { adapters: [] };
  // Slack installations (distribution mode) live in Redis, which is up once the runtime is.
  const redis: RedisAccess = () => {
    if (!parts.runtime) throw new Error("redis is not up yet");
    return { redis: parts.runtime.services.redis, keys: parts.runtime.services.keys };
  };
  const messengers: Messengers = await platformMessengers(config, logger, redis);
  const consoleMessenger = withConsole
    ? new ConsoleMessenger({ output, isTTY: output.isTTY === true })
    : undefined;
  if (consoleMessenger) messengers.console = consoleMessenger;

  const removeHardStop = lifecycle.onHardStop(() => {
    logger.warn("bot-stopping-now");
    parts.runtime?.abort();
  });
  const stop = (reason: string) => stopParts(parts, lifecycle, logger, reason);
  try {
    const handler = await startParts(parts, {
      ...options,
      logger,
      messengers,
      redis,
      platforms,
      withConsole,
    });
    logger.info(
      {
        role,
        adapters: withConsole ? ["console"] : platforms,
        workers: role !== "gateway",
        redis: config.REDIS_URL ? "external" : "embedded",
      },
      "bot-started",
    );
    parts.console = consoleMessenger
      ? createConsoleAdapter({ input, output, handler, messenger: consoleMessenger })
      : undefined;
  } catch (error) {
    const stoppedDuringStart = lifecycle.stopping;
    if (!stoppedDuringStart) logger.error({ err: String(error) }, "start-failed");
    await stop(stoppedDuringStart ? "stopped-during-start" : "start-failed");
    removeHardStop();
    if (stoppedDuringStart) return;
    throw error;
  }

  const reason = await (parts.console
    ? Promise.race([parts.console.start().then(() => "console-closed"), lifecycle.stopRequested()])
    : lifecycle.stopRequested());
  // On a terminal the first Ctrl-C reaches the console (readline), not the process: announce it here.
  lifecycle.requestStop(reason, true);
  await stop(reason);
  removeHardStop();
}

/** What a process has started so far (a failed or interrupted start stops just these). */
interface ProcessParts {
  runtime?: Runtime;
  observability?: Observability;
  http?: HttpServer;
  adapters: ChatAdapter[];
  console?: ConsoleAdapter | undefined;
}

/**
 * Starts the runtime, the admin port, the public port (not for workers), the workers (not for a
 * gateway) and the platform adapters, recording each in `parts` as it comes up. Resolves to the
 * handler the adapters (and the console) hand inbound events to.
 */
async function startParts(
  parts: ProcessParts,
  options: RunBotOptions & {
    logger: Logger;
    messengers: Messengers;
    redis: RedisAccess;
    platforms: ChatPlatform[];
    withConsole: boolean;
  },
): Promise<IntakePort> {
  const { config, role, lifecycle, logger } = options;
  const runtime = await Runtime.create({
    config,
    logger,
    messengers: options.messengers,
    timings: options.timings,
    signal: lifecycle.signal,
  });
  parts.runtime = runtime;
  lifecycle.limitGracefulStop(runtime.services.timings.shutdownGraceMs + STOP_MARGIN_MS);
  lifecycle.signal.throwIfAborted();
  // Every role has the admin port (metrics, health, queue board). It and the public port listen
  // before the workers take jobs, so a busy port stops the start before any job is touched.
  const observability = await startObservability({ config, services: runtime.services, workers: [], logger });
  parts.observability = observability;
  process.stderr.write(
    `${adminPortLine(config.ADMIN_HOST, observability.adminPort, observability.adminPortChoice, config.ADMIN_PORT)}\n`,
  );
  const handler = observability.metrics.counting(runtime.intake);
  // Only Slack over HTTP (events, OAuth pages) needs the public port: Discord, Socket Mode, the console
  // and workers open none, so several processes share a host without settings.
  if (bindsPublicPort(config, role)) {
    parts.http = new HttpServer(observability.health, logger);
    logger.info({ port: await parts.http.listen(config.PORT) }, "http-listening");
  }
  if (role !== "gateway") {
    const running = runtime.startWorkers();
    observeWorkers(running.workers, observability.metrics);
    observeExports(running, observability.metrics);
  }
  parts.adapters =
    role !== "worker"
      ? await platformAdapters(config, handler, logger, parts.http, options.redis, (platform, rating) =>
          observability.metrics.answerFeedback(platform, rating),
        )
      : [];
  if (role !== "worker" && !options.withConsole && options.platforms.length === 0) {
    logger.warn("no chat platform configured and stdin is not a terminal: running without adapters");
  }
  await startAdapters(parts.adapters, lifecycle);
  return handler;
}

/** Connects every adapter; a stop asked for meanwhile ends the wait (and the start). */
async function startAdapters(adapters: ChatAdapter[], lifecycle: ProcessLifecycle): Promise<void> {
  await Promise.race([
    Promise.all(
      adapters.map((chat) =>
        chat.start().catch((error: unknown) => {
          throw new StartupError(`${chat.platform} could not connect: ${String(firstLine(error))}`, {
            cause: error,
          });
        }),
      ),
    ),
    lifecycle.stopRequested().then(() => lifecycle.signal.throwIfAborted()),
  ]);
}

/** Stops in the reverse order of the start: nothing takes new work, running work gets its grace, Redis last. */
async function stopParts(
  parts: ProcessParts,
  lifecycle: ProcessLifecycle,
  logger: Logger,
  reason: string,
): Promise<void> {
  lifecycle.requestStop(reason);
  logger.info({ reason }, "bot-stopping");
  parts.console?.stop();
  await Promise.all(parts.adapters.map((chat) => chat.stop().catch(() => undefined)));
  await parts.http?.close();
  await parts.observability?.close();
  await parts.runtime?.close();
  logger.info("bot-stopped");
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
