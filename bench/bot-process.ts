import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** One process of the shipped bot (`nemo-video-bot start --role …`), as an operator runs it. */
export interface BotProcess {
  role: "gateway" | "worker";
  pid: number;
  /** Resident set size now (bytes), from /proc. */
  rss(): number;
  /** Its Prometheus metrics now (admin port, loopback): name{labels} → value. */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

// The shipped build (`npm run build`), not the bench's own compilation.
const CLI = new URL("../../dist/cli.js", import.meta.url);

/**
 * Starts `node [nodeArgs] cli.js start --role <role>` with exactly `env` (no inherited configuration) and resolves
 * once its log says it started. Its log goes to a file (`logFile`), as a container's log driver would
 * take it: a pipe the busy bench reads slowly would block the bot's synchronous log writes.
 */
export async function startBotProcess(
  role: "gateway" | "worker",
  env: Record<string, string>,
  logFile: string,
  nodeArgs: readonly string[] = [],
): Promise<BotProcess> {
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [...nodeArgs, CLI.pathname, "start", "--role", role], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!readFileSync(logFile, "utf8").includes('"msg":"bot-started"')) {
    if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}); see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`${role} did not start within 60 s; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling the log with a deadline
  }
  return {
    role,
    pid: child.pid!,
    rss: () => rssOf(child),
    metrics: () => metricsOf(logFile),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function rssOf(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process's `/metrics`, from the admin port its start-up line names in its log. */
async function metricsOf(logFile: string): Promise<Map<string, number>> {
  const url = /admin: +(http:\/\/\S+)/.exec(readFileSync(logFile, "utf8"))?.[1];
  if (!url) throw new Error(`no admin port in ${logFile}`);
  const text = await (await fetch(`${url}/metrics`)).text();
  const metrics = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match && !line.startsWith("#")) metrics.set(match[1]!, Number(match[2]));
  }
  return metrics;
}
