import { EventEmitter } from "node:events";
import { Counter } from "prom-client";
import type { RedisClient } from "../redis/connect.js";
import type { Keys } from "./keys.js";
import { LuaScript } from "./lua-script.js";

export interface BreakerOptions {
  /** Consecutive unreachable outcomes (any process) that open the circuit. */
  threshold: number;
  /** How long the circuit stays open after the last failure; then one call may probe (half-open). */
  cooldownMs: number;
  /** Failures older than this are forgotten (must exceed `cooldownMs`, so a failed probe reopens at once). */
  windowMs: number;
  /** How long this process trusts its last read of the shared state before reading it again. */
  refreshMs: number;
}

/** Adds one failure; opens the circuit when the count reaches the threshold. Returns [failures, open]. */
const RECORD_FAILURE = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if n >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {n, 1}
end
return {n, redis.call('EXISTS', KEYS[2])}
`);

/**
 * A circuit breaker for one backend, shared by every worker process through two small Redis keys with
 * TTLs (a failure count and an "open" flag), so a dead backend is noticed once for the deployment and
 * each process's turns wait instead of each dead-ending on it.
 *
 * Hand-written rather than cockatiel/opossum: those keep the circuit in one process's memory and wrap
 * the call in-process, while here the state must be shared across processes and a waiting turn is a
 * delayed BullMQ job (holding no worker slot), not a pending promise.
 *
 * Closed → open after `threshold` consecutive failures; open for `cooldownMs` after the last failure;
 * then half-open: calls go through, the failure count is still at the threshold, so one more failure
 * reopens it and one success closes it.
 */
export class BackendBreaker extends EventEmitter<{ open: []; close: [] }> {
  /** Times this process saw the circuit open (Prometheus; register it where metrics are served). */
  readonly openedTotal = new Counter({
    name: "nemo_backend_circuit_opened_total",
    help: "Times the NemoVideo circuit breaker was seen opening",
    registers: [],
  });
  /** Turns that waited for the backend instead of being sent. */
  readonly waitsTotal = new Counter({
    name: "nemo_backend_turn_waits_total",
    help: "Turns put back to wait because NemoVideo was unreachable",
    registers: [],
  });
  private failures = 0;
  private open = false;
  private readAt = 0;
  private readonly keys: { failures: string; open: string };

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly options: BreakerOptions,
    backend = "nemo",
  ) {
    super();
    this.keys = keys.breaker(backend);
  }

  /** Whether the circuit is open, as this process last saw it (for health reports; no Redis call). */
  isOpen(): boolean {
    return this.open;
  }

  /** Whether the circuit is open, reading the shared state when the local view is older than `refreshMs`. */
  async check(): Promise<boolean> {
    if (Date.now() - this.readAt >= this.options.refreshMs) {
      const [failures, open] = await this.redis.mget(this.keys.failures, this.keys.open);
      this.readAt = Date.now();
      this.failures = Number(failures ?? 0);
      this.setOpen(open !== null);
    }
    return this.open;
  }

  /** The backend could not be reached, or answered 5xx. */
  async recordFailure(): Promise<void> {
    const [failures, open] = (await RECORD_FAILURE.run(
      this.redis,
      2,
      this.keys.failures,
      this.keys.open,
      this.options.threshold,
      this.options.windowMs,
      this.options.cooldownMs,
    )) as [number, number];
    this.readAt = Date.now();
    this.failures = failures;
    this.setOpen(open === 1);
  }

  /** The backend answered: closes the circuit. Costs a Redis call only when failures were seen. */
  async recordSuccess(): Promise<void> {
    if (this.failures === 0 && !this.open) return;
    this.failures = 0;
    this.setOpen(false);
    await this.redis.del(this.keys.failures, this.keys.open);
  }

  /** Feeds the breaker from the client's per-exchange outcomes (fire and forget; errors only logged). */
  observe(onError: (error: unknown) => void): (outcome: "ok" | "unreachable") => void {
    return (outcome) => {
      const done = outcome === "ok" ? this.recordSuccess() : this.recordFailure();
      done.catch(onError);
    };
  }

  private setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    if (open) this.openedTotal.inc();
    this.emit(open ? "open" : "close");
  }
}
