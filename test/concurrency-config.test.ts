import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Runtime } from "../src/app/runtime.js";
import { ConfigError, loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { runDoctor } from "../src/doctor/run-doctor.js";
import { QUEUE } from "../src/jobs/payloads.js";
import { startSimulator } from "../src/simulator/index.js";
import { RecordingMessenger } from "./helpers/recording-messenger.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();
const base = { NEMO_API_URL: "http://127.0.0.1:9", NEMO_WEB_URL: "https://web.example" };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("concurrency configuration", () => {
  it("defaults to I/O-bound sizes, with backend connections above the jobs that hold one", () => {
    const config = loadConfig(base);
    expect(config.TURN_CONCURRENCY).toBe(2_000);
    expect(config.NEMO_MAX_CONNECTIONS).toBeGreaterThan(
      config.TURN_CONCURRENCY + config.UPLOAD_CONCURRENCY + config.EXPORT_CONCURRENCY,
    );
    expect(loadConfig({ ...base, TURN_CONCURRENCY: "100" }).NEMO_MAX_CONNECTIONS).toBeLessThan(
      config.NEMO_MAX_CONNECTIONS,
    );
  });

  it("refuses fewer connections than running jobs, and malformed values, with clear messages", () => {
    expect(problems({ ...base, NEMO_MAX_CONNECTIONS: "256" }).join("\n")).toMatch(
      /NEMO_MAX_CONNECTIONS: must be at least TURN_CONCURRENCY \+ UPLOAD_CONCURRENCY \+ EXPORT_CONCURRENCY \(2066\)/,
    );
    expect(problems({ ...base, TURN_CONCURRENCY: "0" }).join("\n")).toMatch(/TURN_CONCURRENCY/);
    expect(problems({ ...base, TURN_LOCK_MS: "1000" }).join("\n")).toMatch(/TURN_LOCK_MS/);
    expect(problems({ ...base, TURN_LOCK_MS: "15000", STALLED_CHECK_MS: "20000" }).join("\n")).toMatch(
      /STALLED_CHECK_MS: must not exceed TURN_LOCK_MS/,
    );
    expect(problems({ ...base, REFUSAL_CHECK_DELAY_MS: "20000" }).join("\n")).toMatch(
      /REFUSAL_CHECK_DELAY_MS/,
    );
    expect(problems({ ...base, TURN_CONCURRENCY: "100", NEMO_MAX_CONNECTIONS: "200" })).toEqual([]);
  });

  it("is what the workers run with, and the takeover timings come from the environment", async () => {
    const config = loadConfig({
      ...base,
      REDIS_URL: redis.url,
      TURN_CONCURRENCY: "123",
      UPLOAD_CONCURRENCY: "7",
      EXPORT_CONCURRENCY: "9",
      DELIVER_CONCURRENCY: "11",
      TURN_LOCK_MS: "20000",
      STALLED_CHECK_MS: "4000",
      RECOVERY_FIRST_DELAY_MS: "1500",
    });
    const messenger = new RecordingMessenger();
    const runtime = await Runtime.create({
      config,
      logger: silentLogger(),
      messengers: { console: messenger },
      prefix: `cc${Date.now()}`,
    });
    try {
      const running = runtime.startWorkers();
      const byQueue = Object.fromEntries(running.workers.map((worker) => [worker.name, worker.opts]));
      expect(byQueue[QUEUE.turn]?.concurrency).toBe(123);
      expect(byQueue[QUEUE.upload]?.concurrency).toBe(7);
      expect(byQueue[QUEUE.export]?.concurrency).toBe(9);
      expect(byQueue[QUEUE.deliver]?.concurrency).toBe(11);
      expect(byQueue[QUEUE.turn]?.lockDuration).toBe(20_000);
      // Long-lock queues look every quarter of their lock when that is longer; short jobs (15 s) every 4 s.
      expect(byQueue[QUEUE.turn]?.stalledInterval).toBe(5_000);
      expect(byQueue[QUEUE.upload]?.stalledInterval).toBe(5_000);
      expect(byQueue[QUEUE.deliver]?.stalledInterval).toBe(4_000);
      expect(runtime.services.timings.recoveryDelaysMs[0]).toBe(1_500);
    } finally {
      await runtime.close();
    }
  });

  it("reads a renamed variable under its old name (RENDER_CONCURRENCY), and doctor says to rename it", async () => {
    expect(loadConfig({ ...base, RENDER_CONCURRENCY: "7" }).EXPORT_CONCURRENCY).toBe(7);
    expect(loadConfig({ ...base, RENDER_CONCURRENCY: "7", EXPORT_CONCURRENCY: "8" }).EXPORT_CONCURRENCY).toBe(
      8,
    );
    const sim = await startSimulator();
    try {
      let output = "";
      const env = { NEMO_API_URL: sim.url, DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-")) };
      await runDoctor({ ...env, RENDER_CONCURRENCY: "7" }, (text) => {
        output += text;
      });
      expect(output).toMatch(/! configuration\s+RENDER_CONCURRENCY is now called EXPORT_CONCURRENCY/);
      expect(output).toMatch(/exports 7,/);
    } finally {
      await sim.close();
    }
  });

  it("doctor shows them in one line", async () => {
    const sim = await startSimulator();
    try {
      let output = "";
      await runDoctor(
        {
          NEMO_API_URL: sim.url,
          DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-")),
          TURN_CONCURRENCY: "500",
        },
        (text) => {
          output += text;
        },
      );
      expect(output).toMatch(
        /concurrency\s+turns 500, uploads 16, exports 50, deliveries 50 per worker; 630 backend connections/,
      );
    } finally {
      await sim.close();
    }
  });
});
