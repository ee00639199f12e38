import { DEFAULT_CONCURRENCY, type WorkerConcurrency } from "./concurrency-defaults.js";
import type { Config } from "./config.js";

/** The concurrency the configuration asks for. */
export function workerConcurrency(config: Config): WorkerConcurrency {
  return {
    ...DEFAULT_CONCURRENCY,
    turn: config.TURN_CONCURRENCY,
    upload: config.UPLOAD_CONCURRENCY,
    export: config.EXPORT_CONCURRENCY,
    deliver: config.DELIVER_CONCURRENCY,
  };
}

/** One line for `doctor`: the concurrency settings and the backend connection pool. */
export function describeConcurrency(config: Config): string {
  const c = workerConcurrency(config);
  return `turns ${c.turn}, uploads ${c.upload}, exports ${c.export}, deliveries ${c.deliver} per worker; ${config.NEMO_MAX_CONNECTIONS} backend connections`;
}
