import { rm } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../config/config.js";
import { stopLeftoverEmbeddedRedis } from "../redis/embedded-redis.js";
import { startSimulator } from "../simulator/index.js";
import type { ProcessLifecycle } from "./process-lifecycle.js";
import { runBot } from "./run-bot.js";

export interface DemoOptions {
  /** Keep the last demo's data (projects, queued messages) instead of starting afresh. */
  resume: boolean;
  lifecycle: ProcessLifecycle;
}

/**
 * `npm run demo`: the simulator, an embedded Redis and the console chat together, fully offline.
 * Timings are those of a real backend, shortened so a first video is exported within a minute.
 * Each demo starts from a fresh data directory, so nothing left queued by the last one is sent again.
 */
export async function runDemo({ resume, lifecycle }: DemoOptions): Promise<void> {
  const base = loadConfig();
  const dataDir = join(base.DATA_DIR, "demo");
  if (!resume) await freshDataDir(dataDir);
  if (lifecycle.stopping) return;
  const sim = await startSimulator({
    generationMs: 6_000,
    editMs: 800,
    heartbeatIntervalMs: 1_000,
    renderSteps: 4,
    unknownMediaInfo: "omit",
  });
  const config = loadConfig({
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: sim.url, // task and registration links open the simulator's own pages
    DATA_DIR: dataDir,
    PORT: String(base.PORT),
    LOG_LEVEL: base.LOG_LEVEL,
    // The demo may run beside a bot on this host: any free admin port (logged in the log file).
    ADMIN_PORT: "0",
  });
  process.stdout.write(
    `nemo-video-bot demo — offline: simulated NemoVideo at ${sim.url}, private Redis under ${config.DATA_DIR}/redis\n` +
      `${resume ? "Resumed the last demo." : "A fresh start (npm run demo -- --resume continues the last demo)."}\n` +
      'Try: "generate a video of a city timelapse at night", then "add a title Urban Dreams", then "export".\n\n',
  );
  try {
    await runBot({
      config,
      role: "all",
      forceConsole: true,
      lifecycle,
      timings: { exportPollMs: 1_000, exportPollMaxMs: 5_000, editThrottleMs: 300 },
    });
  } finally {
    await sim.close();
  }
}

/** Removes the last demo's data; its Redis, if one was left running, is stopped first. */
async function freshDataDir(dataDir: string): Promise<void> {
  await stopLeftoverEmbeddedRedis(dataDir);
  await rm(dataDir, { recursive: true, force: true });
}
