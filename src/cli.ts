#!/usr/bin/env node
import { runDoctor } from "./doctor/run-doctor.js";
import { runSimulatorCli } from "./simulator/index.js";

const USAGE = `Usage: nemo-video-bot <command> [options]

Commands:
  simulator [--port 8787] [--host 127.0.0.1] [--dialect agent|typed]
            Run the NemoVideo simulator (offline backend for tests and demos).
  doctor    Check configuration, the backend, the token and credits; exit 1 when not ready.
  help      Show this text.
`;

async function main(argv: string[]): Promise<number> {
  const [command = "help", ...rest] = argv;
  switch (command) {
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
