import { type Config, ConfigError, loadConfig } from "../config/config.js";
import { SEALED_KINDS } from "../core/sealed-kinds.js";
import { connectRedis, type RedisClient } from "../redis/connect.js";
import { redisTargetFrom } from "../redis/redis-target.js";
import { Keys } from "../store/keys.js";
import { SealedRecords, type SealedReport } from "../store/sealed-records.js";
import { configuredSecretBox } from "./secret-box-of.js";

const USAGE = `Usage: nemo-video-bot secrets <reseal|status>

  reseal   Re-seal every sealed record in Redis under the current SECRETS_KEY (values sealed under a
           key in SECRETS_KEY_PREVIOUS, in an older format, or left in the clear) and print counts per
           kind. Exit 1 when some record no configured key opens (docs/operations.md, Rotating secrets).
  status   The same counts, changing nothing.
`;

/** The counts, one line per kind. */
function formatReport(report: SealedReport, resealed: boolean): string {
  const oldLabel = resealed ? "resealed" : "under an old key";
  return SEALED_KINDS.map((kind) => {
    const { current, old, unreadable } = report[kind];
    return `  ${kind.padEnd(20)} ${oldLabel} ${old}, already current ${current}, unreadable ${unreadable}`;
  }).join("\n");
}

/** `nemo-video-bot secrets reseal|status`: against the deployment's Redis (`REDIS_URL`, `KEY_PREFIX`). */
export async function runSecretsCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const [action] = args;
  if (action !== "reseal" && action !== "status") {
    write(USAGE);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    write(`${error.message}\n`);
    return 2;
  }
  const target = redisTargetFrom(config.REDIS_URL);
  const box = configuredSecretBox(config);
  if (!box || !target) {
    write("secrets: set SECRETS_KEY (and SECRETS_KEY_PREVIOUS) and the deployment's REDIS_URL\n");
    return 2;
  }
  const redis: RedisClient = connectRedis(target, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  redis.on("error", () => undefined);
  try {
    const records = new SealedRecords(redis, new Keys(config.KEY_PREFIX), box);
    const report = action === "reseal" ? await records.reseal() : await records.survey();
    write(`secrets ${action} (current key ${box.keyId})\n${formatReport(report, action === "reseal")}\n`);
    return SEALED_KINDS.some((kind) => report[kind].unreadable > 0) ? 1 : 0;
  } finally {
    redis.disconnect();
  }
}
