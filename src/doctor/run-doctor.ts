import { join } from "node:path";
import { Redis } from "ioredis";
import { discordDoctorCheck } from "../adapters/discord/index.js";
import { slackDoctorCheck } from "../adapters/slack/index.js";
import { ConfigError, describeConcurrency, loadConfig, nemoClientSettings } from "../config.js";
import { JsonFileStore } from "../core/kv-store.js";
import { NemoClient } from "../core/nemo/client.js";
import { Keys } from "../jobs/keys.js";
import { RedisKeyValueStore } from "../jobs/redis-key-value-store.js";
import { nemoChecks } from "./nemo-checks.js";
import { redisCheck } from "./redis-check.js";
import { type CheckResult, formatReport } from "./report.js";

/** `nemo-video-bot doctor`: prints the report and returns the exit code (0 healthy, 1 not). */
export async function runDoctor(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  let results: CheckResult[];
  try {
    const config = loadConfig(env);
    // The same client id as the bot where both can see it (Redis), so the doctor does not spend
    // another anonymous token of the few an IP gets per week.
    const redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 })
      : undefined;
    redis?.on("error", () => undefined);
    const store = redis
      ? new RedisKeyValueStore(redis, new Keys(config.KEY_PREFIX))
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
      const [nemo, redisResult, discord, slack] = await Promise.all([
        nemoChecks(config, client),
        redisCheck(config),
        config.DISCORD_TOKEN
          ? discordDoctorCheck({ token: config.DISCORD_TOKEN, apiUrl: config.DISCORD_API_URL })
          : Promise.resolve([
              { name: "discord", status: "skip", detail: "DISCORD_TOKEN not set" } as CheckResult,
            ]),
        config.SLACK_BOT_TOKEN
          ? slackDoctorCheck({
              botToken: config.SLACK_BOT_TOKEN,
              appToken: config.SLACK_APP_TOKEN,
              signingSecret: config.SLACK_SIGNING_SECRET,
              apiUrl: config.SLACK_API_URL,
            })
          : Promise.resolve([
              { name: "slack", status: "skip", detail: "SLACK_BOT_TOKEN not set" } as CheckResult,
            ]),
      ]);
      results = [
        { name: "configuration", status: "ok", detail: "valid" },
        { name: "concurrency", status: "ok", detail: describeConcurrency(config) },
        ...nemo,
        redisResult,
        ...discord,
        ...slack,
      ];
    } finally {
      await client.close();
      redis?.disconnect();
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    results = [{ name: "configuration", status: "fail", detail: error.problems.join("; ") }];
  }
  const report = formatReport(results);
  write(`nemo-video-bot doctor\n\n${report.text}\n`);
  return report.healthy ? 0 : 1;
}
