import { join, resolve } from "node:path";
import type { Config } from "../config/config.js";
import { platformSetup } from "../config/platform-setup.js";
import { failureCode } from "../core/conversation/failure-code.js";
import type { Logger } from "../core/logger.js";
import { isRealNemoVideo, probeBackend } from "../core/nemo/backend-probe.js";
import { maskRedisUrl } from "../redis/redis-target.js";
import type { AdminPortChoice } from "./observability.js";

/** What one process of the bot runs, as `runBot` decided it. */
export interface StartupFacts {
  config: Config;
  role: string;
  /** The chat adapters this process starts ("console" for the console chat); empty for workers. */
  adapters: readonly string[];
  /** Where the logs go when not to stdout (the console chat owns the terminal). */
  logFile?: string | undefined;
}

function backendLine(config: Config): string {
  const url = config.NEMO_API_URL;
  if (!isRealNemoVideo(url)) return `${url} — not NemoVideo: a simulator or custom URL (NEMO_API_URL)`;
  const who = config.NEMO_TOKEN ? "with NEMO_TOKEN" : "anonymously (no NEMO_TOKEN)";
  return `${url} — the REAL NemoVideo service, ${who}; \`npm run demo\` runs offline against the simulator instead`;
}

function redisLine(config: Config): string {
  if (config.REDIS_URL) return `${maskRedisUrl(config.REDIS_URL)} (REDIS_URL)`;
  return `embedded redis-server, unix socket ${join(resolve(config.DATA_DIR, "redis"), "redis.sock")} (REDIS_URL not set)`;
}

function platformsLine(facts: StartupFacts): string {
  if (facts.role === "worker") return "none in this process (role worker: workers only)";
  if (facts.adapters.includes("console"))
    return "console chat in this terminal (no chat platform configured)";
  if (facts.adapters.length > 0) {
    return platformSetup(facts.config)
      .filter((setup) => facts.adapters.includes(setup.platform))
      .map((setup) => setup.explanation)
      .join("; ");
  }
  return "NONE — no chat platform configured and stdin is not a terminal: running without adapters";
}

/**
 * The first lines of `start`: the backend (real or not), the platforms (with the same explanation of a
 * half-configured one as `doctor`), the Redis in use and where the logs go.
 */
export function startupLines(facts: StartupFacts): string[] {
  const { config } = facts;
  const lines = [
    `nemo-video-bot start (role ${facts.role})`,
    `  backend:   ${backendLine(config)}`,
    `  platforms: ${platformsLine(facts)}`,
    ...platformSetup(config)
      .filter((setup) => setup.state === "incomplete")
      .map((setup) => `  ! ${setup.explanation}`),
    `  redis:     ${redisLine(config)}`,
    `  logs:      ${facts.logFile ? `${resolve(facts.logFile)} (the console chat owns this terminal)` : "stdout (JSON lines)"}`,
  ];
  return lines;
}

/**
 * Prints {@link startupLines} (to stderr: stdout carries the JSON logs or the console chat), logs the same
 * facts, then checks in the background that the backend answers and reports the result the same way —
 * a failure named (DNS, refused, TLS, timeout) with the code chats will show.
 */
export function announceStartup(
  facts: StartupFacts,
  logger: Logger,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  for (const line of startupLines(facts)) write(line);
  const { config } = facts;
  for (const setup of platformSetup(config).filter((entry) => entry.state === "incomplete")) {
    logger.warn({ platform: setup.platform, explanation: setup.explanation }, "platform-incomplete");
  }
  logger.info(
    {
      role: facts.role,
      backend: config.NEMO_API_URL,
      realBackend: isRealNemoVideo(config.NEMO_API_URL),
      adapters: facts.adapters,
      redis: config.REDIS_URL ? maskRedisUrl(config.REDIS_URL) : "embedded",
      ...(facts.logFile ? { logFile: resolve(facts.logFile) } : {}),
    },
    "bot-starting",
  );
  return probeBackend(config.NEMO_API_URL).then(
    (probe) => {
      if (probe.reachable) {
        write(`  backend check: ${probe.detail}`);
        logger.info(
          { backend: config.NEMO_API_URL, status: probe.status, simulator: probe.simulator },
          "backend-reachable",
        );
        return;
      }
      const code = failureCode({ code: "NEMO_UNAVAILABLE", cause: probe.failure });
      write(`  ! backend check: ${probe.detail} — chats will fail with code ${code} until this is fixed`);
      logger.warn(
        { backend: config.NEMO_API_URL, failure: code, cause: probe.detail },
        "backend-unreachable",
      );
    },
    () => undefined,
  );
}

/**
 * The banner's admin line, once the port is bound: where `/metrics`, `/healthz` and `/queues` are, and
 * why that port (with ADMIN_PORT unset and the default busy, another process on this host has it).
 */
export function adminPortLine(
  host: string,
  port: number,
  choice: AdminPortChoice,
  defaultPort: number,
): string {
  const why = {
    set: "ADMIN_PORT",
    default: "the default; ADMIN_PORT not set",
    free: `ADMIN_PORT not set and the default ${defaultPort} is in use on this host: a free port`,
  }[choice];
  return `  admin:     http://${host}:${port} (/metrics, /healthz, /queues) — ${why}`;
}
