import { destination, type Logger as PinoLogger, pino } from "pino";

/** The structured logger every layer uses: `log.info({ thread, job }, "turn-started")`. */
export type Logger = PinoLogger;

/** Keys whose values never reach a log line, wherever they appear in the context object. */
const SECRET_PATHS = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "clientId",
  "*.clientId",
  "signingSecret",
  "*.signingSecret",
];

export function createLogger(options: { level?: string; name?: string; file?: string } = {}): Logger {
  const settings = {
    name: options.name ?? "nemo-video-bot",
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    redact: { paths: SECRET_PATHS, censor: "[redacted]" },
  };
  // The console chat owns the terminal, so its logs go to a file instead. Writes are asynchronous: lines
  // logged while a write is under way go out together (one write per burst, not one per line), and
  // what is pending is flushed when the process exits.
  return pino(
    settings,
    options.file
      ? destination({ dest: options.file, mkdir: true, sync: false })
      : destination({ dest: 1, sync: false }),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
