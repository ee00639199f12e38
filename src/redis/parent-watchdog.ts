import { type ChildProcess, spawn } from "node:child_process";

/**
 * Stops process `pid` (SIGTERM) as soon as this Node process is gone, however it ended (SIGKILL too).
 *
 * A tiny `sh` in its own session blocks reading a pipe whose only writer is this process; the kernel
 * closes the pipe when this process dies, `read` returns, and the shell sends the signal. Node cannot
 * ask Linux for `prctl(PR_SET_PDEATHSIG)`, and this works on macOS as well.
 */
export class ParentWatchdog {
  private constructor(private readonly child: ChildProcess) {}

  static start(pid: number): ParentWatchdog {
    const child = spawn(
      "sh",
      ["-c", 'read -r _ignored; kill -TERM "$1" 2>/dev/null', "nemo-redis-watchdog", String(pid)],
      {
        stdio: ["pipe", "ignore", "ignore"],
        // Its own session: neither a Ctrl-C in the terminal nor a closed terminal stops it.
        detached: true,
      },
    );
    child.on("error", () => undefined);
    child.stdin?.on("error", () => undefined);
    // It must not keep this process alive.
    child.unref();
    (child.stdin as { unref?: () => void } | null)?.unref?.();
    return new ParentWatchdog(child);
  }

  /** Ends the watch without signalling (the watched process was stopped normally). */
  release(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
