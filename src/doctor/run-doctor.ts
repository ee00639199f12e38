import { join } from "node:path";
import { describeConcurrency } from "../config/concurrency.js";
import {
  type Config,
  ConfigError,
  describeQuotas,
  loadConfig,
  nemoClientSettings,
} from "../config/config.js";
import { type PlatformSetup, platformSetup } from "../config/platform-setup.js";
import { renamedVariablesIn } from "../config/renamed-variables.js";
import type { CheckResult } from "../core/check-result.js";
import { JsonFileStore } from "../core/kv-store.js";
import { NemoClient } from "../core/nemo/client.js";
import { SecretBox } from "../core/secret-box.js";
import { connectRedis } from "../redis/connect.js";
import { redisTargetFrom } from "../redis/redis-target.js";
import { Keys } from "../store/keys.js";
import { RedisKeyValueStore } from "../store/redis-key-value-store.js";
import { nemoChecks } from "./nemo-checks.js";
import { redisCheck } from "./redis-check.js";
import { formatReport } from "./report.js";
import { sealedRecordsCheck } from "./sealed-records-check.js";

/**
 * A platform that is not ready gets one line with the same explanation as `start` prints (a skip when
 * it is simply off, a failure when it is half-configured).
 */
function setupLine(setup: PlatformSetup): CheckResult {
  return { name: setup.platform, status: setup.state === "off" ? "skip" : "fail", detail: setup.explanation };
}

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

/** The bot's key (and previous keys), so the doctor reads the sealed anonymous token as the bot does. */
function doctorBox(config: Config): SecretBox | undefined {
  return config.SECRETS_KEY
    ? new SecretBox(config.SECRETS_KEY, { previous: config.SECRETS_KEY_PREVIOUS })
    : undefined;
}

/** `nemo-video-bot doctor`: prints the report and returns its exit code ({@link DOCTOR_EXIT}). */
export async function runDoctor(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  let results: CheckResult[];
  let chatPlatforms: string[] = [];
  try {
    const config = loadConfig(env);
    const [discordSetup, slackSetup] = platformSetup(config) as [PlatformSetup, PlatformSetup];
    chatPlatforms = [discordSetup, slackSetup].filter((s) => s.state === "ready").map((s) => s.platform);
    // The same client id as the bot where both can see it (Redis), so the doctor does not spend
    // another anonymous token of the few an IP gets per week.
    const redisTarget = redisTargetFrom(config.REDIS_URL);
    const redis = redisTarget
      ? connectRedis(redisTarget, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 })
      : undefined;
    redis?.on("error", () => undefined);
    const store = redis
      ? new RedisKeyValueStore(redis, new Keys(config.KEY_PREFIX), doctorBox(config))
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
      const [nemo, redisResult, sealed, discord, slack] = await Promise.all([
        nemoChecks(config, client),
        redisCheck(config),
        sealedRecordsCheck(config, redis),
        config.DISCORD_TOKEN
          ? (await import("../adapters/discord/index.js")).discordDoctorCheck({
              token: config.DISCORD_TOKEN,
              apiUrl: config.DISCORD_API_URL,
              shardCount: config.DISCORD_SHARD_COUNT,
            })
          : [setupLine(discordSetup)],
        // A bot token alone is still checked against Slack; its transport line gives way to the setup line.
        config.SLACK_BOT_TOKEN
          ? (await import("../adapters/slack/index.js"))
              .slackDoctorCheck({
                botToken: config.SLACK_BOT_TOKEN,
                appToken: config.SLACK_APP_TOKEN,
                signingSecret: config.SLACK_SIGNING_SECRET,
                apiUrl: config.SLACK_API_URL,
              })
              .then((lines) =>
                slackSetup.state === "ready"
                  ? lines
                  : [setupLine(slackSetup), ...lines.filter((line) => line.name !== "slack transport")],
              )
          : [setupLine(slackSetup)],
      ]);
      results = [...configurationLines(config, env), ...nemo, redisResult, sealed, ...discord, ...slack];
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
