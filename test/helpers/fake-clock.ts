import { vi } from "vitest";

/**
 * Runs vitest's fake clock on in `stepMs` steps, letting real I/O (sockets, Redis) run between them,
 * until `done`; resolves to the fake milliseconds that passed. Bounded by a real deadline, never by fake
 * time: under load a response still in flight arms its timer late, after any fake bound would have run out.
 */
export async function runFakeClockUntil(
  done: () => boolean,
  what: string,
  stepMs = 50,
  realTimeoutMs = 20_000,
): Promise<number> {
  const deadline = performance.now() + realTimeoutMs;
  let elapsed = 0;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (${elapsed} fake ms)`);
    await vi.advanceTimersByTimeAsync(stepMs);
    elapsed += stepMs;
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
  return elapsed;
}
