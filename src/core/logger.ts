import {
  type DestinationStream,
  destination,
  type LogFn,
  type Logger as PinoLogger,
  pino,
  stdSerializers,
  symbols,
} from "pino";
import { redactSecrets, redactText } from "./log-redaction.js";

/** The structured logger every layer uses: `log.info({ thread, job }, "turn-started")`. */
export type Logger = PinoLogger;

/**
 * pino writes a child's bindings after its parent's, and a call's context after both, without looking
 * for repeats: `child({ platform })` under a logger already bound to `platform` printed
 * `"platform":"slack","platform":"slack"`. These two hooks keep every key once per line.
 */
const { chindingsSym } = symbols;
type Bound = Record<string, unknown>;
const boundByLogger = new WeakMap<object, Bound>();

function parseBindings(chindings: unknown): Bound {
  if (typeof chindings !== "string" || chindings === "") return {};
  try {
    return JSON.parse(`{${chindings.slice(1)}}`) as Bound;
  } catch {
    return {};
  }
}

/** A new child's bindings without the keys its parents bound already (the child's value wins). */
function dedupeChild(child: PinoLogger): void {
  const holder = child as unknown as Record<symbol, unknown>;
  const bound = parseBindings(holder[chindingsSym]);
  const json = JSON.stringify(bound);
  holder[chindingsSym] = json === "{}" ? "" : `,${json.slice(1, -1)}`;
  boundByLogger.set(child, bound);
}

/** The call's context without the keys the logger binds with the same value (another value stays as `call.<key>`). */
function withoutBoundKeys(logger: PinoLogger, context: Record<string, unknown>): Record<string, unknown> {
  let bound = boundByLogger.get(logger);
  if (!bound) {
    bound = parseBindings((logger as unknown as Record<symbol, unknown>)[chindingsSym]);
    boundByLogger.set(logger, bound);
  }
  const known = bound;
  if (!Object.keys(context).some((key) => Object.hasOwn(known, key))) return context;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    if (!Object.hasOwn(known, key)) kept[key] = value;
    else if (JSON.stringify(known[key]) !== JSON.stringify(value)) kept[`call.${key}`] = value;
  }
  return kept;
}

function dedupeCall(this: PinoLogger, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[];
  const plain =
    typeof first === "object" && first !== null && !(first instanceof Error) && !Array.isArray(first);
  const context = plain ? withoutBoundKeys(this, first as Record<string, unknown>) : first;
  (method as (...parts: unknown[]) => void).apply(this, [context, ...rest]);
}

/** The error pino would take a line's message from: a lone error, or a lone context's `err` without `msg`. */
function errorWithoutMessage(args: unknown[]): Error | undefined {
  const [first] = args;
  if (args.length !== 1 || typeof first !== "object" || first === null) return undefined;
  if (first instanceof Error) return first;
  const { err, msg } = first as { err?: unknown; msg?: unknown };
  return err instanceof Error && msg === undefined ? err : undefined;
}

/**
 * Every line passes through the redaction (log-redaction.ts): secret fields are censored and secrets of a
 * known shape rewritten at any depth of the context object, in bindings of child loggers and in the
 * message itself (libraries such as Bolt log free text). Keys are then kept once per line (above).
 */
function loggerSettings(name: string, level: string) {
  return {
    name,
    level,
    formatters: {
      log: (object: Record<string, unknown>) => redactSecrets(object),
    },
    // An error the formatter had to redact is already serialized (a plain object): written as it is.
    serializers: { err: (value: unknown) => (value instanceof Error ? stdSerializers.err(value) : value) },
    onChild: dedupeChild,
    hooks: {
      logMethod(this: PinoLogger, args: Parameters<LogFn>, method: LogFn) {
        const clean = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
        // Without a message pino takes the error's (`log.error(err)`, `log.warn({ err })`): redacted too.
        const error = errorWithoutMessage(clean);
        if (error) clean.push(redactText(error.message));
        dedupeCall.call(this, clean as Parameters<LogFn>, method);
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
  const settings = loggerSettings(
    options.name ?? "nemo-video-bot",
    options.level ?? process.env.LOG_LEVEL ?? "info",
  );
  if (options.stream) return redactChildBindings(pino(settings, options.stream));
  // The console chat owns the terminal, so its logs go to a file instead. Lines written while a write
  // is in flight are joined into chunks of `maxWrite`, and sonic-boom measures the open chunk (a flat
  // copy) at every line: 16 KB (its default) costs ~8 KB of garbage per line under load, 4 KB ~2 KB.
  return redactChildBindings(
    pino(
      settings,
      destination({
        dest: options.file ?? process.stdout.fd,
        sync: false,
        maxWrite: 4096,
        ...(options.file ? { mkdir: true } : {}),
      }),
    ),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
