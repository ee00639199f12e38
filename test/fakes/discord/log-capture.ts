import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../../../src/core/logger.js";

/** A logger whose lines (parsed JSON) tests can read, with the same secret redaction as production. */
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
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = pino(
    { level, redact: { paths: ["token", "*.token", "authorization"], censor: "[redacted]" } },
    stream,
  );
  return {
    logger,
    lines,
    find: (msg) => lines.filter((line) => typeof line.msg === "string" && line.msg.startsWith(msg)),
    text: () => raw.join("\n"),
  };
}
