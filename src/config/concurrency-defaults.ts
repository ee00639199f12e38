/**
 * Jobs each worker process runs at once, by queue: sized for I/O-bound work (a running turn mostly
 * waits on its stream). `TURN_CONCURRENCY`, `UPLOAD_CONCURRENCY`, `EXPORT_CONCURRENCY` and
 * `DELIVER_CONCURRENCY` override the first four; commands are short and keep theirs.
 */
export const DEFAULT_CONCURRENCY = { turn: 2_000, upload: 16, export: 50, deliver: 50, command: 50 } as const;

export type WorkerConcurrency = Record<keyof typeof DEFAULT_CONCURRENCY, number>;
