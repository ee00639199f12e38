import { configuredSecretBox } from "../app/secret-box-of.js";
import type { Config } from "../config/config.js";
import type { CheckResult } from "../core/check-result.js";
import { SEALED_KINDS } from "../core/sealed-kinds.js";
import type { SecretBox } from "../core/secret-box.js";
import type { RedisClient } from "../redis/connect.js";
import { Keys } from "../store/keys.js";
import { type SealedCounts, SealedRecords } from "../store/sealed-records.js";

const NAME = "sealed secrets";

/** `account 2, slack-installation 1` for the kinds with a count under `field`. */
function perKind(report: Record<string, SealedCounts>, field: keyof SealedCounts): string {
  return SEALED_KINDS.filter((kind) => report[kind]![field] > 0)
    .map((kind) => `${kind} ${report[kind]![field]}`)
    .join(", ");
}

/**
 * The secrets kept in Redis: whether the configured keys open every one of them (Slack installations,
 * linked accounts, the anonymous token, reply addresses). Fails naming the kinds no key opens (a changed
 * `SECRETS_KEY` without `SECRETS_KEY_PREVIOUS`), warns when some wait for `secrets reseal`. `box`: the
 * caller's box of the configured keys, when it has one already.
 */
export async function sealedRecordsCheck(
  config: Config,
  redis: RedisClient | undefined,
  box: SecretBox | undefined = configuredSecretBox(config),
): Promise<CheckResult> {
  if (!box)
    return {
      name: NAME,
      status: "skip",
      detail: "SECRETS_KEY is unset: nothing is sealed (the anonymous token is kept in the clear)",
    };
  if (!redis) return { name: NAME, status: "skip", detail: "embedded Redis: checked against REDIS_URL only" };
  let report: Record<string, SealedCounts>;
  try {
    report = await new SealedRecords(redis, new Keys(config.KEY_PREFIX), box).survey();
  } catch (error) {
    return { name: NAME, status: "warn", detail: `could not be read: ${(error as Error).message}` };
  }
  const unreadable = perKind(report, "unreadable");
  if (unreadable)
    return {
      name: NAME,
      status: "fail",
      detail: `no configured key opens ${unreadable}: put the key they were sealed with in SECRETS_KEY_PREVIOUS (docs/operations.md, Rotating secrets)`,
    };
  const old = perKind(report, "old");
  if (old)
    return {
      name: NAME,
      status: "warn",
      detail: `under an old key or format: ${old}; run \`secrets reseal\``,
    };
  const current = SEALED_KINDS.reduce((sum, kind) => sum + report[kind]!.current, 0);
  return { name: NAME, status: "ok", detail: `${current} sealed under the current key (${box.keyId})` };
}
