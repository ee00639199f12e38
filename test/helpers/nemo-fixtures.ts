import { MemoryStore } from "../../src/core/kv-store.js";
import { NemoClient } from "../../src/core/nemo/client.js";
import type { NemoClientOptions } from "../../src/core/nemo/client-options.js";
import type { NemoEvent } from "../../src/core/nemo/types.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.js";

/** A simulator plus a client wired to it with fast retry timings; close both with `dispose`. */
export async function simulatorAndClient(
  simOptions: SimulatorOptions = {},
  clientOptions: Partial<NemoClientOptions> = {},
): Promise<{ sim: Simulator; client: NemoClient; dispose: () => Promise<void> }> {
  const sim = await startSimulator(simOptions);
  const client = clientFor(sim, clientOptions);
  return {
    sim,
    client,
    dispose: async () => {
      await client.close();
      await sim.close();
    },
  };
}

export function clientFor(sim: Simulator, options: Partial<NemoClientOptions> = {}): NemoClient {
  return new NemoClient({
    apiUrl: sim.url,
    webUrl: "https://web.example",
    store: new MemoryStore(),
    rateLimitWaitMs: 20,
    retryMinDelayMs: 5,
    retries: 3,
    timeoutMs: 10_000,
    ...options,
  });
}

/** Collects a whole stream's events. */
export async function collect(stream: AsyncIterable<NemoEvent>): Promise<NemoEvent[]> {
  const events: NemoEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function textOf(events: readonly NemoEvent[]): string {
  return events.map((event) => (event.kind === "text" ? event.text : "")).join("");
}

/** Rejects with the error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a rejection, got a result");
}

export function requestsTo(sim: Simulator, path: string): number {
  return sim.requests.filter((request) => request.path === path).length;
}
