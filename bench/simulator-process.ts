/**
 * The NemoVideo simulator in its own process, so the bench process's CPU and RSS are the bot's alone.
 * argv[2]: the simulator options as JSON. Sends `{ url }` over IPC once listening; answers "run-sse" with
 * `{ runSse: [{ message, at, endedAt }] }` (when each `/run_sse` arrived and its stream ended); exits on
 * "close" or when the parent goes away.
 */
import { type SimulatorOptions, startSimulator } from "../src/simulator/index.js";

const options = JSON.parse(process.argv[2] ?? "{}") as SimulatorOptions;
const sim = await startSimulator(options);
let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  void sim.close().finally(() => process.exit(0));
};
process.on("message", (message) => {
  if (message === "close") close();
  if (message === "run-sse") {
    const runSse = sim.requests
      .filter((r) => r.path === "/run_sse" && r.message !== undefined)
      .map((r) => ({ message: r.message, at: r.at, endedAt: r.endedAt }));
    process.send?.({ runSse });
  }
});
process.on("disconnect", close);
process.send?.({ url: sim.url });
