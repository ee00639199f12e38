import { join } from "node:path";
import { ConsoleMessenger, createConsoleAdapter } from "../adapters/console/index.js";
import type { Config } from "../config/config.js";
import type { Timings } from "../config/timings.js";
import type { ChatAdapter } from "../core/conversation/chat-adapter.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { createLogger } from "../core/logger.js";
import { HttpServer } from "./http-server.js";
import { type Observability, startObservability } from "./observability.js";
import { configuredPlatforms, platformAdapters, platformMessengers } from "./platforms.js";
import type { ProcessLifecycle } from "./process-lifecycle.js";
import { Runtime } from "./runtime.js";
import { announceStartup } from "./startup-banner.js";
import { StartupError } from "./startup-failure.js";
import { observeWorkers } from "./worker-metrics.js";

export type Role = "all" | "gateway" | "worker";

/** What a graceful stop may take beyond the workers' grace (queues, connections, the embedded Redis). */
const STOP_MARGIN_MS = 10_000;

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
  void announceStartup({ config, role, adapters: withConsole ? ["console"] : platforms, logFile }, logger);
  // Slack installations (distribution mode) live in Redis, which is up once the runtime is.
  const redis = () => {
    if (!runtime) throw new Error("redis is not up yet");
    return { redis: runtime.services.redis, keys: runtime.services.keys };
  };
  const messengers: Messengers = await platformMessengers(config, logger, redis);
  const consoleMessenger = withConsole
    ? new ConsoleMessenger({ output, isTTY: output.isTTY === true })
    : undefined;
  if (consoleMessenger) messengers.console = consoleMessenger;

  let runtime: Runtime | undefined;
  let http: HttpServer | undefined;
  let observability: Observability | undefined;
  let adapters: ChatAdapter[] = [];
  let consoleAdapter: ReturnType<typeof createConsoleAdapter> | undefined;
  const removeHardStop = lifecycle.onHardStop(() => {
    logger.warn("bot-stopping-now");
    runtime?.abort();
  });
  // In the reverse order of the start: nothing takes new work, running work gets its grace, Redis last.
  const stop = async (reason: string) => {
    lifecycle.requestStop(reason);
    logger.info({ reason }, "bot-stopping");
    consoleAdapter?.stop();
    await Promise.all(adapters.map((chat) => chat.stop().catch(() => undefined)));
    await http?.close();
    await observability?.close();
    await runtime?.close();
    logger.info("bot-stopped");
  };

  try {
    runtime = await Runtime.create({
      config,
      logger,
      messengers,
      timings: options.timings,
      signal: lifecycle.signal,
    });
    lifecycle.limitGracefulStop(runtime.services.timings.shutdownGraceMs + STOP_MARGIN_MS);
    lifecycle.signal.throwIfAborted();
    // Every role has the admin port (metrics, health, queue board). It and the public port listen
    // before the workers take jobs, so a busy port stops the start before any job is touched.
    observability = await startObservability({ config, services: runtime.services, workers: [], logger });
    const handler = observability.metrics.counting(runtime.intake);
    // Workers scale out on one host too, so only the gateway side owns the public HTTP port.
    if (role !== "worker") {
      http = new HttpServer(observability.health, logger);
      logger.info({ port: await http.listen(config.PORT) }, "http-listening");
    }
    if (role !== "gateway") observeWorkers(runtime.startWorkers().workers, observability.metrics);
    adapters =
      role !== "worker"
        ? await platformAdapters(config, handler, logger, http, redis, (platform, rating) =>
            observability?.metrics.answerFeedback(platform, rating),
          )
        : [];
    if (role !== "worker" && !withConsole && platforms.length === 0) {
      logger.warn("no chat platform configured and stdin is not a terminal: running without adapters");
    }
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
    logger.info(
      {
        role,
        adapters: withConsole ? ["console"] : platforms,
        workers: role !== "gateway",
        redis: config.REDIS_URL ? "external" : "embedded",
      },
      "bot-started",
    );
    consoleAdapter = consoleMessenger
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

  const reason = await (consoleAdapter
    ? Promise.race([consoleAdapter.start().then(() => "console-closed"), lifecycle.stopRequested()])
    : lifecycle.stopRequested());
  // On a terminal the first Ctrl-C reaches the console (readline), not the process: announce it here.
  lifecycle.requestStop(reason, true);
  await stop(reason);
  removeHardStop();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
