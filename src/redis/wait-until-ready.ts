import type { RedisClient } from "./connect.js";

/** Redis did not answer within the start-up limit. */
export class RedisUnreachableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: string,
    readonly waitedMs: number,
  ) {
    super(`cannot reach Redis at ${target} within ${Math.round(waitedMs / 1000)} s (${reason})`);
    this.name = "RedisUnreachableError";
  }
}

/**
 * Resolves once `redis` is ready; rejects with `RedisUnreachableError` after `timeoutMs` (naming the
 * last connection error), or with the signal's reason when it is aborted. At start-up only: later,
 * commands wait for a restarting Redis instead.
 */
export function waitUntilReady(
  redis: RedisClient,
  target: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let lastError = "no answer";
    const onError = (error: Error) => {
      lastError = (error as NodeJS.ErrnoException).code ?? error.message;
    };
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      reject(new RedisUnreachableError(target, lastError, timeoutMs));
    }, timeoutMs);
    redis.on("ready", onReady);
    redis.on("error", onError);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
