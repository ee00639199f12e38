#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type Role, runBot } from "./app/run-bot.js";
import { runDemo } from "./app/run-demo.js";
import { runUntilStopped } from "./app/run-until-stopped.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { runDoctor } from "./doctor/run-doctor.js";
import { runSimulatorCli } from "./simulator/index.js";

const USAGE = `Usage: nemo-video-bot <command> [options]

Commands:
  start [--role all|gateway|worker]
            Run the bot: adapters whose credentials are configured and/or the workers
            (the console chat when no platform is configured and stdin is a terminal).
  demo [--resume]
            Simulator + private Redis + console chat, fully offline. Starts afresh each
            time; --resume continues the last demo's projects and queued messages.
  simulator [--port 8787] [--host 127.0.0.1] [--dialect agent|typed]
            Run the NemoVideo simulator (offline backend for tests and demos).
  doctor    Check configuration, the backend, the token and credits; exit 1 when not ready.
  help      Show this text.
`;

const ROLES: readonly Role[] = ["all", "gateway", "worker"];

async function main(argv: string[]): Promise<number> {
  const [command = "help", ...rest] = argv;
  switch (command) {
    case "start":
      return start(rest);
    case "demo": {
      const { values } = parseArgs({ args: rest, options: { resume: { type: "boolean" } } });
      return runUntilStopped((lifecycle) => runDemo({ resume: values.resume === true, lifecycle }));
    }
    case "doctor":
      return runDoctor();
    case "simulator":
      return runSimulator(rest);
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { role: { type: "string", default: "all" }, console: { type: "boolean" } },
  });
  if (!ROLES.includes(values.role as Role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(", ")}\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  return runUntilStopped((lifecycle) =>
    runBot({ config, role: values.role as Role, forceConsole: values.console === true, lifecycle }),
  );
}

async function runSimulator(args: string[]): Promise<number> {
  const withPort = args.some((arg) => arg.startsWith("--port"))
    ? args
    : ["--port", process.env.PORT ?? "8787", ...args];
  // The listening server keeps the process alive until SIGINT/SIGTERM closes it.
  await runSimulatorCli(withPort);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
