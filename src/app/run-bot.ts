import { join } from "node:path";
import { createConsoleAdapter } from "../adapters/console/console-adapter.js";
import { ConsoleMessenger } from "../adapters/console/console-messenger.js";
import type { Config } from "../config.js";
import type { Messengers } from "../core/conversation/messenger.js";
import { createLogger } from "../core/logger.js";
import type { Timings } from "../jobs/timings.js";
import { HttpServer } from "./http-server.js";
import { startObservability } from "./observability.js";
import { configuredPlatforms, platformAdapters, platformMessengers } from "./platforms.js";
import { Runtime } from "./runtime.js";
import { announceStartup } from "./startup-banner.js";

export type Role = "all" | "gateway" | "worker";

export interface RunBotOptions {
  config: Config;
  role: Role;
  /** Run the console chat even when stdin is not a terminal (the demo, scripted sessions). */
  forceConsole?: boolean;
  timings?: Partial<Timings>;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Runs one process of the bot: the adapters whose credentials are configured (gateway), the workers,
 * or both; the console chat when no platform is configured and stdin is a terminal. Resolves on stop.
 */
export async function runBot(options: RunBotOptions): Promise<void> {
  const { config, role } = options;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const platforms = configuredPlatforms(config);
  const withConsole =
    role !== "worker" && platforms.length === 0 && (options.forceConsole === true || input.isTTY === true);
  const logFile = withConsole ? join(config.DATA_DIR, "bot.log") : undefined;
  const logger = createLogger({ level: config.LOG_LEVEL, ...(logFile ? { file: logFile } : {}) });
  void announceStartup({ config, role, adapters: withConsole ? ["console"] : platforms, logFile }, logger);
  const messengers: Messengers = await platformMessengers(config, logger);
  const consoleMessenger = withConsole
    ? new ConsoleMessenger({ output, isTTY: output.isTTY === true })
    : undefined;
  if (consoleMessenger) messengers.console = consoleMessenger;

  const runtime = await Runtime.create({ config, logger, messengers, timings: options.timings });
  const workers = role !== "gateway" ? runtime.startWorkers().workers : [];
  // Every role has the admin port (metrics, health, queue board); a taken port stops the start.
  const observability = await startObservability({
    config,
    services: runtime.services,
    workers,
    logger,
  }).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  const handler = observability.metrics.counting(runtime.intake);
  // Workers scale out on one host too, so only the gateway side owns the public HTTP port.
  const http = role !== "worker" ? new HttpServer(observability.health, logger) : undefined;
  if (http) {
    const port = await http.listen(config.PORT);
    logger.info({ port }, "http-listening");
  }
  logger.info(
    {
      role,
      adapters: withConsole ? ["console"] : platforms,
      workers: role !== "gateway",
      redis: config.REDIS_URL ? "external" : "embedded",
    },
    "bot-started",
  );
  const adapters = role !== "worker" ? await platformAdapters(config, handler, logger, http) : [];
  if (role !== "worker" && !withConsole && platforms.length === 0) {
    logger.warn("no chat platform configured and stdin is not a terminal: running without adapters");
  }

  let adapter: ReturnType<typeof createConsoleAdapter> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, "bot-stopping");
      adapter?.stop();
      await Promise.all(adapters.map((chat) => chat.stop().catch(() => undefined)));
      await http?.close();
      await observability.close();
      await runtime.close();
      logger.info("bot-stopped");
    })();
    return stopping;
  };
  try {
    await Promise.all(adapters.map((chat) => chat.start()));
  } catch (error) {
    logger.error({ err: String(error) }, "adapter-start-failed");
    await stop("adapter-start-failed");
    throw error;
  }
  adapter = consoleMessenger
    ? createConsoleAdapter({ input, output, handler, messenger: consoleMessenger })
    : undefined;
  const signals = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const reason = adapter
    ? await Promise.race([adapter.start().then(() => "console-closed"), signals])
    : await signals;
  await stop(reason);
}
