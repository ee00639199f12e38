#!/usr/bin/env node
import { parseArgs } from "node:util";
import type { Role } from "./app/role.js";
import { runUntilStopped } from "./app/run-until-stopped.js";
import { type Config, ConfigError, loadConfig } from "./config/config.js";
import { errorCode } from "./core/error-code.js";

// Each command loads only its own modules (the platform libraries take a second of CPU to load).

const USAGE = `Usage: nemo-video-bot <command> [options]

Commands:
  start [--role all|gateway|worker]
            Run the bot: adapters whose credentials are configured and/or the workers
            (the console chat when no platform is configured and stdin is a terminal).
  demo [--resume]
            Simulator + private Redis + console chat, fully offline. Starts afresh each
            time; --resume continues the last demo's projects and queued messages.
  simulator [--port 8787] [--host 127.0.0.1] [--dialect agent|typed] [--<knob> value]
            Run the NemoVideo simulator (offline backend for tests and demos; --help: knobs).
  doctor [--role all|gateway|worker]
            Check configuration, the backend, the token, credits, Redis, the chat platforms
            and the ports — the same platform and port checks \`start\` runs for that role.
            Exit 0 ready to chat, 1 a check failed, 3 backend ready but no chat platform
            (docs/troubleshooting-codes.md).
  secrets reseal|status
            Re-seal every secret kept in Redis under the current SECRETS_KEY after a key
            rotation, and print counts per kind (status: count only; docs/operations.md).
  config [--check]
            Write docs/configuration.md and .env.example from the configuration schema
            (--check: exit 1 when the committed files differ).
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
      const demo = await loadSimulatorPart(() => import("./app/run-demo.js"));
      if (!demo) return 1;
      return runUntilStopped((lifecycle) => demo.runDemo({ resume: values.resume === true, lifecycle }));
    }
    case "doctor": {
      const parsed = roleArgs(rest);
      if (!parsed) return 2;
      return (await import("./doctor/run-doctor.js")).runDoctor(process.env, undefined, parsed.role);
    }
    case "simulator":
      return runSimulator(rest);
    case "secrets":
      return (await import("./app/secrets-command.js")).runSecretsCommand(rest);
    case "config": {
      const { readmeFile } = await import("./app/readme-permissions.js");
      return (await import("./config/config-command.js")).runConfigCommand(
        rest,
        undefined,
        undefined,
        readmeFile,
      );
    }
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

/** `--role` (and `--console`) of `start` and `doctor`; undefined (after saying why) when it is not a role. */
function roleArgs(args: string[]): { role: Role; console: boolean } | undefined {
  const { values } = parseArgs({
    args,
    options: { role: { type: "string", default: "all" }, console: { type: "boolean" } },
  });
  if (ROLES.includes(values.role as Role))
    return { role: values.role as Role, console: values.console === true };
  process.stderr.write(`--role must be one of ${ROLES.join(", ")}\n`);
  return undefined;
}

async function start(args: string[]): Promise<number> {
  const parsed = roleArgs(args);
  if (!parsed) return 2;
  const { role, console: forceConsole } = parsed;
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const { runBot } = await import("./app/run-bot.js");
  return runUntilStopped((lifecycle) => runBot({ config, role, forceConsole, lifecycle }));
}

async function runSimulator(args: string[]): Promise<number> {
  const simulator = await loadSimulatorPart(() => import("./simulator/index.js"));
  if (!simulator) return 1;
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(simulator.SIMULATOR_HELP);
    return 0;
  }
  const withPort = args.some((arg) => arg.startsWith("--port"))
    ? args
    : ["--port", process.env.PORT ?? "8787", ...args];
  // The listening server keeps the process alive until SIGINT/SIGTERM closes it.
  await simulator.runSimulatorCli(withPort);
  return 0;
}

/** The simulator (and the demo built on it) is loaded on demand: the production image leaves it out. */
async function loadSimulatorPart<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (errorCode(error) !== "ERR_MODULE_NOT_FOUND") throw error;
    process.stderr.write(
      "The simulator is not part of this image: use the demo target (docs/operations.md).\n",
    );
    return undefined;
  }
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
