import { fork } from "node:child_process";
import type { SimulatorOptions } from "../src/simulator/index.js";

/** One `/run_sse` as the simulator saw it: its message, when it arrived and when its stream ended (epoch ms). */
export interface RunSseTimes {
  message: string;
  at: number;
  endedAt: number | undefined;
}

export interface SimulatorProcess {
  url: string;
  pid: number | undefined;
  /** Every `/run_sse` so far, with its times. */
  runSse(): Promise<RunSseTimes[]>;
  stop(): Promise<void>;
}

/** Starts `simulator-process.js` (next to this file once compiled) and waits for its URL. */
export async function startSimulatorProcess(options: SimulatorOptions): Promise<SimulatorProcess> {
  const child = fork(new URL("./simulator-process.js", import.meta.url), [JSON.stringify(options)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => {
      const url = (message as { url?: unknown }).url;
      if (typeof url === "string") resolve(url);
      else reject(new Error(`unexpected message from the simulator process: ${JSON.stringify(message)}`));
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`simulator process exited (code ${code})`)));
  });
  return {
    url,
    pid: child.pid,
    runSse: () =>
      new Promise<RunSseTimes[]>((resolve) => {
        const answer = (message: unknown) => {
          const runSse = (message as { runSse?: RunSseTimes[] }).runSse;
          if (!runSse) return;
          child.off("message", answer);
          resolve(runSse);
        };
        child.on("message", answer);
        child.send("run-sse");
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send("close");
      else child.kill("SIGTERM");
      await exited;
    },
  };
}
