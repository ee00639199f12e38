import { destination, type LogFn, type Logger as PinoLogger, pino, symbols } from "pino";

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

export function createLogger(options: { level?: string; name?: string; file?: string } = {}): Logger {
  const settings = {
    name: options.name ?? "nemo-video-bot",
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    redact: { paths: SECRET_PATHS, censor: "[redacted]" },
    onChild: dedupeChild,
    hooks: { logMethod: dedupeCall },
  };
  // The console chat owns the terminal, so its logs go to a file instead.
  return options.file
    ? pino(settings, destination({ dest: options.file, mkdir: true, sync: false }))
    : pino(settings);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
