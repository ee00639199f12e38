import { join } from "node:path";
import { loadConfig } from "../config.js";
import { startSimulator } from "../simulator/index.js";
import { runBot } from "./run-bot.js";

/**
 * `npm run demo`: the simulator, an embedded Redis and the console chat together, fully offline.
 * Timings are those of a real backend, shortened so a first video is exported within a minute.
 */
export async function runDemo(): Promise<void> {
  const sim = await startSimulator({
    generationMs: 6_000,
    editMs: 800,
    heartbeatIntervalMs: 1_000,
    renderSteps: 4,
    unknownMediaInfo: "omit",
  });
  const base = loadConfig();
  const config = loadConfig({
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: sim.url, // task and registration links open the simulator's own pages
    DATA_DIR: join(base.DATA_DIR, "demo"),
    LOG_LEVEL: base.LOG_LEVEL,
    // The demo may run beside a bot on this host: any free admin port (logged in the log file).
    ADMIN_PORT: "0",
  });
  process.stdout.write(
    `nemo-video-bot demo — offline: simulated NemoVideo at ${sim.url}, private Redis under ${config.DATA_DIR}/redis\n` +
      'Try: "generate a video of a city timelapse at night", then "add a title Urban Dreams", then "export".\n\n',
  );
  try {
    await runBot({
      config,
      role: "all",
      forceConsole: true,
      timings: { renderPollMs: 1_000, editThrottleMs: 300 },
    });
  } finally {
    await sim.close();
  }
}
