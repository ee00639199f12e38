import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../../../core/logger.js";

/**
 * Bolt's and the Slack SDK's logger interface on top of ours. Their debug output (request bodies,
 * socket frames) is dropped: it can carry payload fields we never want in a log line.
 */
export function slackLogger(logger: Logger): SlackLogger {
  const text = (parts: unknown[]) =>
    parts.map((part) => (part instanceof Error ? part.message : String(part))).join(" ");
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => logger.info({ lib: "slack" }, text(parts)),
    warn: (...parts: unknown[]) => logger.warn({ lib: "slack" }, text(parts)),
    error: (...parts: unknown[]) => logger.error({ lib: "slack" }, text(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
