import { createLogger, type Logger } from "../../../src/core/logger.js";

/**
 * A logger whose lines (parsed JSON) tests can read: production's own (`createLogger`), so the same
 * secret redaction, formatters and hooks as the running bot, only written here instead of stdout.
 */
export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Lines whose message is `msg` (or starts with it). */
  find(msg: string): Record<string, unknown>[];
  /** Everything written, as text (to assert that no secret ever appears). */
  text(): string;
}

export function captureLogs(level = "debug"): CapturedLogs {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  // pino writes each line to `write`, synchronously: read at once, no stream buffering.
  const stream = {
    write(chunk: string) {
      for (const line of chunk.split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    },
  };
  const logger = createLogger({ level, stream });
  return {
    logger,
    lines,
    find: (msg) => lines.filter((line) => typeof line.msg === "string" && line.msg.startsWith(msg)),
    text: () => raw.join("\n"),
  };
}
