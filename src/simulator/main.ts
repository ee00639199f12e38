import { pathToFileURL } from "node:url";
import { startSimulator } from "./server.js";
import type { Dialect, Simulator, SimulatorOptions } from "./types.js";

const USAGE = "usage: simulator [--port N] [--host H] [--public-url URL] [--dialect typed|agent]";

/** Parses `--port N --host H --dialect D` (also `--port=N`). Throws with the usage on bad input. */
export function parseSimulatorArgs(argv: readonly string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const [flag = "", inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s) : [arg];
    if (!["--port", "--host", "--public-url", "--dialect"].includes(flag))
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const value = inline ?? argv[++i];
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
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
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
  log(`  set NEMO_API_URL=${sim.url}; control endpoints under ${sim.url}/__sim/`);
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
