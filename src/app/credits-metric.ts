import { Gauge, type Registry } from "prom-client";

/**
 * `nemo_credits_available`: the backend account's available credits, asked at most once per
 * `refreshMs` when Prometheus scrapes (a scrape waits at most `waitMs` for a fresh answer, else it
 * reports the last one known). Absent until the first answer, so an unreachable backend never reads as 0.
 */
export function registerCreditsMetric(
  registry: Registry,
  account: "operator" | "anonymous",
  readCredits: () => Promise<number>,
  options: { refreshMs?: number; waitMs?: number } = {},
): void {
  const refreshMs = options.refreshMs ?? 60_000;
  const waitMs = options.waitMs ?? 1_000;
  let last: number | undefined;
  let askedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;
  new Gauge({
    name: "nemo_credits_available",
    help: "Available credits of the backend account (operator token or anonymous), refreshed at most every minute",
    labelNames: ["account"],
    registers: [registry],
    async collect() {
      if (!pending && Date.now() - askedAt >= refreshMs) {
        askedAt = Date.now();
        pending = readCredits()
          .then(
            (available) => {
              last = available;
            },
            () => undefined,
          )
          .finally(() => {
            pending = undefined;
          });
      }
      if (pending) {
        await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
      }
      if (last !== undefined) this.set({ account }, last);
    },
  });
}
