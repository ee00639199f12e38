import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Lengths of a `CliProcess`'s stdout and stderr at one moment (`mark`). */
export interface OutputMark {
  stdout: number;
  stderr: number;
}

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

  /** Where the output ends now: pass it to `waitFor` or `since` for what is printed after this point. */
  mark(): OutputMark {
    return { stdout: this.stdout.length, stderr: this.stderr.length };
  }

  /** What was printed on stdout after `from` (all of it without). */
  since(from?: OutputMark): string {
    return this.stdout.slice(from?.stdout ?? 0);
  }

  /**
   * Resolves once `needle` appeared on stdout or stderr (after `from`, when given: see `mark`); rejects
   * (with that output) after `timeoutMs`.
   */
  waitFor(needle: string | RegExp, timeoutMs = 60_000, from?: OutputMark): Promise<void> {
    const out = () => this.stdout.slice(from?.stdout ?? 0);
    const err = () => this.stderr.slice(from?.stderr ?? 0);
    const found = () =>
      typeof needle === "string"
        ? out().includes(needle) || err().includes(needle)
        : needle.test(out()) || needle.test(err());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!found()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${String(needle)} in:\n${out()}\n--- stderr ---\n${err()}`));
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
