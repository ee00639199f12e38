import { ProcessLifecycle } from "./process-lifecycle.js";
import { startupFailureText } from "./startup-failure.js";

/** After a stop, the process ends on its own; whatever still holds it open gets this long. */
const EXIT_FALLBACK_MS = 3_000;

/**
 * Runs a long-lived command (`start`, `demo`) under a `ProcessLifecycle` installed first of all, and
 * gives its exit code: 0 once stopped, 1 after a failed start (one clear line on stderr, no stack).
 * The immediate stop (a second Ctrl-C) exits 130/143 from inside the lifecycle.
 */
export async function runUntilStopped(run: (lifecycle: ProcessLifecycle) => Promise<void>): Promise<number> {
  const lifecycle = ProcessLifecycle.install({
    notice: (line) => process.stderr.write(`nemo-video-bot: ${line}\n`),
  });
  let code = 0;
  try {
    await run(lifecycle);
  } catch (error) {
    process.stderr.write(`nemo-video-bot: ${startupFailureText(error)}\n`);
    code = 1;
  } finally {
    lifecycle.dispose();
  }
  // Everything was stopped; a forgotten timer or socket must not keep the process hanging.
  setTimeout(() => process.exit(code), EXIT_FALLBACK_MS).unref();
  return code;
}
