import { type DestinationStream, destination, type Logger as PinoLogger, pino } from "pino";
import { redactSecrets, redactText } from "./log-redaction.js";

/** The structured logger every layer uses: `log.info({ thread, job }, "turn-started")`. */
export type Logger = PinoLogger;

/**
 * Every line passes through the redaction (log-redaction.ts): secret fields are censored and secrets of a
 * known shape rewritten at any depth of the context object, in bindings of child loggers and in the
 * message itself (libraries such as Bolt log free text).
 */
function redactingSettings(name: string, level: string) {
  return {
    name,
    level,
    formatters: {
      log: (object: Record<string, unknown>) => redactSecrets(object),
    },
    hooks: {
      logMethod(this: PinoLogger, args: Parameters<PinoLogger["info"]>, method: PinoLogger["info"]) {
        const clean = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
        return method.apply(this, clean as Parameters<PinoLogger["info"]>);
      },
    },
  };
}

/**
 * Child loggers' bindings are redacted too: pino writes them as given (no formatter sees them), so
 * `child` is wrapped once on the root and inherited by every descendant.
 */
function redactChildBindings(logger: Logger): Logger {
  const child = Object.getPrototypeOf(logger).child as Logger["child"];
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as Logger["child"];
  return logger;
}

export function createLogger(
  options: { level?: string; name?: string; file?: string; stream?: DestinationStream } = {},
): Logger {
  const settings = redactingSettings(
    options.name ?? "nemo-video-bot",
    options.level ?? process.env.LOG_LEVEL ?? "info",
  );
  if (options.stream) return redactChildBindings(pino(settings, options.stream));
  // The console chat owns the terminal, so its logs go to a file instead.
  return redactChildBindings(
    options.file
      ? pino(settings, destination({ dest: options.file, mkdir: true, sync: false }))
      : pino(settings),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
