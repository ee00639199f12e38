import { Counter } from "prom-client";

/** A Prometheus counter kept by a store, registered by the app with its process's registry (not globally). */
export function storeCounter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return new Counter<Label>({ name, help, labelNames: [...labelNames], registers: [] });
}
