import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** The real CLI (`src/cli.ts` through tsx, so no stale build is tested) as a child process. */
export class CliProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once `needle` appeared on stdout or stderr; rejects (with the output) after `timeoutMs`. */
  waitFor(needle: string | RegExp, timeoutMs = 60_000): Promise<void> {
    const found = () =>
      typeof needle === "string"
        ? this.stdout.includes(needle) || this.stderr.includes(needle)
        : needle.test(this.stdout) || needle.test(this.stderr);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!found()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${String(needle)} in:\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.child.stdout.off("data", check);
        this.child.stderr.off("data", check);
      };
      this.child.stdout.on("data", check);
      this.child.stderr.on("data", check);
      void this.exited.then(() => setImmediate(check));
      check();
    });
  }

  /** Ends it hard (test clean-up). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** The pid in a redis-server pid file, or undefined. */
export async function pidIn(file: string): Promise<number | undefined> {
  const pid = Number.parseInt((await readFile(file, "utf8").catch(() => "")).trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * The processes whose working directory is `dir` (Linux /proc). An embedded redis-server runs in its
 * data directory (`--dir`), so this finds one however it was started or left behind.
 */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(join("/proc", entry, "cwd")) === dir) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}
