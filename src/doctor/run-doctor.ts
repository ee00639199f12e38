import { join } from "node:path";
import { readinessChecks } from "../app/readiness.js";
import type { Role } from "../app/role.js";
import { configuredSecretBox } from "../app/secret-box-of.js";
import { describeConcurrency } from "../config/concurrency.js";
import {
  type Config,
  ConfigError,
  describeQuotas,
  loadConfig,
  nemoClientSettings,
} from "../config/config.js";
import { platformSetup } from "../config/platform-setup.js";
import { renamedVariablesIn } from "../config/renamed-variables.js";
import type { CheckResult } from "../core/check-result.js";
import { JsonFileStore } from "../core/kv-store.js";
import { NemoClient } from "../core/nemo/client.js";
import { connectRedis } from "../redis/connect.js";
import { redisTargetFrom } from "../redis/redis-target.js";
import { Keys } from "../store/keys.js";
import { RedisKeyValueStore } from "../store/redis-key-value-store.js";
import { nemoChecks } from "./nemo-checks.js";
import { redisCheck } from "./redis-check.js";
import { formatReport } from "./report.js";
import { sealedRecordsCheck } from "./sealed-records-check.js";

/** The configuration's own lines: valid, renamed variables still in use, concurrency and quotas. */
function configurationLines(config: Config, env: NodeJS.ProcessEnv): CheckResult[] {
  return [
    { name: "configuration", status: "ok", detail: "valid" },
    ...renamedVariablesIn(env).map(
      ({ name, replacement }): CheckResult => ({
        name: "configuration",
        status: "warn",
        detail: `${name} is now called ${replacement} (the old name still works; rename it)`,
      }),
    ),
    { name: "concurrency", status: "ok", detail: describeConcurrency(config) },
    { name: "quotas", status: "ok", detail: describeQuotas(config) },
  ];
}

/**
 * `nemo-video-bot doctor [--role …]`: prints the report and returns its exit code ({@link DOCTOR_EXIT}).
 * The platform and port lines are `start`'s own readiness checks for the same role.
 */
export async function runDoctor(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
  role: Role = "all",
): Promise<number> {
  let results: CheckResult[];
  let chatPlatforms: string[] = [];
  try {
    const config = loadConfig(env);
    chatPlatforms =
      role === "worker"
        ? []
        : platformSetup(config)
            .filter((setup) => setup.state === "ready")
            .map((setup) => setup.platform);
    // The same client id as the bot where both can see it (Redis), so the doctor does not spend
    // another anonymous token of the few an IP gets per week.
    const redisTarget = redisTargetFrom(config.REDIS_URL);
    const redis = redisTarget
      ? connectRedis(redisTarget, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 })
      : undefined;
    redis?.on("error", () => undefined);
    // The bot's keys, so the doctor reads the sealed anonymous token as the bot does (and surveys the rest).
    const box = configuredSecretBox(config);
    const store = redis
      ? new RedisKeyValueStore(redis, new Keys(config.KEY_PREFIX), box)
      : new JsonFileStore(join(config.DATA_DIR, "nemo-client.json"));
    const client = new NemoClient({
      ...nemoClientSettings(config),
      store,
      retries: 1,
      retryMinDelayMs: 200,
      rateLimitWaitMs: 2_000,
      timeoutMs: 10_000,
    });
    try {
      const [nemo, redisResult, sealed, setup] = await Promise.all([
        nemoChecks(config, client),
        redisCheck(config),
        sealedRecordsCheck(config, redis, box),
        readinessChecks(config, role),
      ]);
      results = [...configurationLines(config, env), ...nemo, redisResult, sealed, ...setup];
    } finally {
      await client.close();
      redis?.disconnect();
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    results = [{ name: "configuration", status: "fail", detail: error.problems.join("; ") }];
  }
  const report = formatReport(results, chatPlatforms);
  write(`nemo-video-bot doctor\n\n${report.text}\n`);
  return report.exitCode;
}
