import type { Config } from "../config/config.js";
import type { Logger } from "../core/logger.js";
import { SecretBox, type SecretBoxOptions } from "../core/secret-box.js";

/**
 * A {@link SecretBox} of the configured keys (`SECRETS_KEY`, opening also with `SECRETS_KEY_PREVIOUS`),
 * or undefined without a key: the bot, `doctor` and `secrets` open values with the same keys.
 */
export function configuredSecretBox(
  config: Pick<Config, "SECRETS_KEY" | "SECRETS_KEY_PREVIOUS">,
  onUnreadable?: SecretBoxOptions["onUnreadable"],
): SecretBox | undefined {
  return config.SECRETS_KEY
    ? new SecretBox(config.SECRETS_KEY, { previous: config.SECRETS_KEY_PREVIOUS, onUnreadable })
    : undefined;
}

/** One box per configuration and process: every store of it reports unreadable values through one log. */
const boxes = new WeakMap<Config, SecretBox | undefined>();

/**
 * The process's {@link SecretBox} (`SECRETS_KEY`, opening also with `SECRETS_KEY_PREVIOUS`), or
 * undefined without a key. A value no configured key opens is logged once per kind
 * (`secret-unreadable`), not on every read: `doctor` and `secrets reseal` count them.
 */
export function secretBoxOf(config: Config, logger: Logger): SecretBox | undefined {
  if (boxes.has(config)) return boxes.get(config);
  const reported = new Set<string>();
  const box = configuredSecretBox(config, (kind, reason) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    const hint = "no configured key opens it: SECRETS_KEY_PREVIOUS, docs/operations.md";
    logger.error({ kind, reason, hint }, "secret-unreadable");
  });
  boxes.set(config, box);
  return box;
}
