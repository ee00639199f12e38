import type { EventEmitter } from "node:events";

/**
 * Resolves once `predicate` holds, checked now and on every `event` of `emitter`; rejects after
 * `timeoutMs` with `describe()` (what was awaited and what was seen) — no polling, no sleeps.
 */
export function waitForChange(
  emitter: EventEmitter,
  event: string,
  predicate: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, check);
      reject(new Error(`timed out waiting for ${describe()}`));
    }, timeoutMs);
    const check = () => {
      if (!predicate()) return;
      clearTimeout(timer);
      emitter.off(event, check);
      resolve();
    };
    emitter.on(event, check);
  });
}
