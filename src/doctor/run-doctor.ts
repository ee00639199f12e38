import { join } from "node:path";
import { ConfigError, loadConfig } from "../config.js";
import { JsonFileStore } from "../core/kv-store.js";
import { NemoClient } from "../core/nemo/client.js";
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
    const client = new NemoClient({
      apiUrl: config.NEMO_API_URL,
      webUrl: config.NEMO_WEB_URL,
      token: config.NEMO_TOKEN,
      clientId: config.NEMO_CLIENT_ID,
      source: config.NEMO_SKILL_SOURCE,
      store: new JsonFileStore(join(config.DATA_DIR, "nemo-client.json")),
      retries: 1,
      retryMinDelayMs: 200,
      rateLimitWaitMs: 2_000,
      timeoutMs: 10_000,
    });
    try {
      const [nemo, redis] = await Promise.all([nemoChecks(config, client), redisCheck(config)]);
      results = [{ name: "configuration", status: "ok", detail: "valid" }, ...nemo, redis];
    } finally {
      await client.close();
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    results = [{ name: "configuration", status: "fail", detail: error.problems.join("; ") }];
  }
  const report = formatReport(results);
  write(`nemo-video-bot doctor\n\n${report.text}\n`);
  return report.healthy ? 0 : 1;
}
