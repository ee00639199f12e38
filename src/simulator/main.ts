import { pathToFileURL } from "node:url";
import { DEFAULT_OPTIONS, isKnob, knobError } from "./options.js";
import { startSimulator } from "./server.js";
import type { Dialect, Simulator, SimulatorOptions } from "./types.js";

const USAGE =
  "usage: simulator [--port N] [--host H] [--public-url URL] [--dialect typed|agent] [--<knob> VALUE]…";

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `simulator --help`: every knob with its default, and the control endpoints. */
export const SIMULATOR_HELP = `${USAGE}

Knobs (also live through POST /__sim/options {"knobName": value}):
${Object.entries(DEFAULT_OPTIONS)
  .map(([name, value]) => `  --${kebab(name).padEnd(22)} default ${JSON.stringify(value)}`)
  .join("\n")}
  e.g. --generation-cost 100 --edit-cost 50 (credits per generation / editing turn; 2001 when short),
       --unknown-media-info omit (no made-up duration/size for unreadable uploads), --ffprobe "" (never).

Control endpoints (no auth, not recorded), under /__sim/:
  GET  requests | sessions | state?session= | options | run-sse-count?session= → {count, accepted, refused}
  GET  outage | account?id=<token or user id> | claim?ct=<claim token>
  POST inject {route, fault, times: N | "always"} | clear-faults {route?}
       faults: status {status, body?} | code {code} | html {status?, body?} (502 page) | timeout {afterMs, status?}
               (504 after silence) | reset | disconnect {afterEvents} | heartbeats-only | malformed {count} | render-fail
  POST outage {mode: reset|status|html|refuse, forMs?} | outage-end
  POST accounts {token?, userId?, balance?} → {token, userId} | revoke-token {token} | credits {available, account?}
  POST options {knobs} | expire-tokens | drop-session {sessionId}
Web pages: GET /workspace/claim?ct=… (claim links), GET /register?bind=… (2001 links).
`;

const NAMED = ["--port", "--host", "--public-url", "--dialect"];

/** A generic knob flag's value, typed like the knob's default; throws with the usage on a bad one. */
function knobValue(key: keyof typeof DEFAULT_OPTIONS, flag: string, text: string): unknown {
  const expected = typeof DEFAULT_OPTIONS[key];
  const value = expected === "number" ? Number(text) : expected === "boolean" ? text === "true" : text;
  if (expected === "boolean" && text !== "true" && text !== "false")
    throw new Error(`${flag} must be true or false\n${USAGE}`);
  const error = knobError(key, value);
  if (error) throw new Error(`invalid ${flag}: ${error}\n${USAGE}`);
  return value;
}

function camel(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Parses `--port N --host H --dialect D` and `--<knob> VALUE` for every knob (also `--flag=VALUE`; a boolean
 * knob given alone means true). Throws with the usage on bad input.
 */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const [flag = "", inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg];
    const key = camel(flag);
    const generic = flag.startsWith("--") && !NAMED.includes(flag) && isKnob(key) && key !== "publicUrl";
    if (!NAMED.includes(flag) && !generic) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const next = argv[i + 1];
    const booleanAlone =
      generic &&
      typeof DEFAULT_OPTIONS[key as keyof typeof DEFAULT_OPTIONS] === "boolean" &&
      inline === undefined &&
      (next === undefined || next.startsWith("--"));
    const value = booleanAlone ? "true" : (inline ?? argv[++i]);
    if (value === undefined) throw new Error(`missing value for ${flag}\n${USAGE}`);
    if (flag === "--port") {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new Error(`invalid port ${value}\n${USAGE}`);
      options.port = port;
    } else if (flag === "--host") {
      options.host = value;
    } else if (flag === "--public-url") {
      options.publicUrl = value;
    } else if (flag === "--dialect") {
      if (value !== "typed" && value !== "agent") throw new Error(`invalid dialect ${value}\n${USAGE}`);
      options.dialect = value satisfies Dialect;
    } else {
      const knob = key as keyof typeof DEFAULT_OPTIONS;
      Object.assign(options, { [knob]: knobValue(knob, flag, value) });
    }
  }
  return options;
}

/**
 * Starts the simulator from command-line arguments, prints its URL, and keeps running until SIGINT or
 * SIGTERM (then closes it).
 */
export async function runSimulatorCli(
  argv: readonly string[],
  log: (line: string) => void = (line) => console.log(line),
): Promise<Simulator> {
  const sim = await startSimulator(parseSimulatorArgs(argv));
  log(`NemoVideo simulator listening on ${sim.url}`);
  log(`  set NEMO_API_URL=${sim.url} and NEMO_WEB_URL=${sim.url} (claim links open its own pages)`);
  log(`  control endpoints under ${sim.url}/__sim/ (simulator --help lists them and every knob)`);
  const close = sim.close.bind(sim);
  const stop = (): void => void sim.close();
  sim.close = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    return close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return sim;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  runSimulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
