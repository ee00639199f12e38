import { Health } from "../../src/app/health.js";
import { HttpServer } from "../../src/app/http-server.js";
import { platformAdapters, platformMessengers } from "../../src/app/platforms.js";
import { Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/config.js";
import type { ChatAdapter } from "../../src/core/conversation/chat-adapter.js";
import { createLogger } from "../../src/core/logger.js";
import { FAST_TIMINGS } from "./bot-fixture.js";

/** One start of a distributed Slack bot (gateway + workers in one process) on a shared Redis and prefix. */
export interface Deployment {
  runtime: Runtime;
  /** `http://127.0.0.1:<port>` of the gateway (`/slack/events`). */
  base: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts the bot as `start` would wire it (platformMessengers, platformAdapters) with `env`. */
export async function startDeployment(env: NodeJS.ProcessEnv, prefix: string): Promise<Deployment> {
  const config = loadConfig(env);
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    stream: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  let runtime: Runtime | undefined;
  const access = () => ({ redis: runtime!.services.redis, keys: runtime!.services.keys });
  const messengers = await platformMessengers(config, logger, access);
  runtime = await Runtime.create({
    config,
    logger,
    messengers,
    prefix,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 5 });
  const http = new HttpServer(new Health(runtime.services.redis), logger);
  const port = await http.listen(0, "127.0.0.1");
  let adapters: ChatAdapter[] = [];
  try {
    adapters = await platformAdapters(config, runtime.intake, logger, http, access);
    for (const adapter of adapters) await adapter.start();
  } catch (error) {
    await http.close();
    await runtime.close();
    throw error;
  }
  const started = runtime;
  return {
    runtime: started,
    base: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      for (const adapter of adapters) await adapter.stop();
      await http.close();
      await started.close();
    },
  };
}
