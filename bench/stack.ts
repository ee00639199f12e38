import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RedisClient } from "../src/redis/connect.js";
import type { SimulatorOptions } from "../src/simulator/index.js";
import { freePort } from "../test/helpers/free-port.js";
import { botEnv } from "./bot-env.js";
import { type BotProcess, startBotProcess } from "./bot-process.js";
import { type BenchRedis, deletePrefix } from "./redis.js";
import { type SimulatorProcess, startSimulatorProcess } from "./simulator.js";
import { SlackEventSender } from "./slack-events.js";
import { SlackSink } from "./slack-sink.js";

const SIGNING_SECRET = "bench-signing-secret";
const BOT_USER = "UBENCHBOT";
/** The message every measured conversation starts with (a generation). */
export const MESSAGE = "generate a video of a city timelapse at night";

/** Simulator knobs for generations of `streamMs` that cost nothing and exports that never finish. */
export const generationSim = (streamMs: number): SimulatorOptions => ({
  generationMs: streamMs,
  editMs: 20,
  heartbeatIntervalMs: 2_000,
  credits: 1_000_000_000,
  generationCost: 0,
  renderSteps: 1_000_000_000,
});

/** One deployment under test: the simulator, the Slack sink, a gateway and its workers. */
export interface Stack {
  sim: SimulatorProcess;
  sink: SlackSink;
  /** The gateway first, then the workers. */
  processes: BotProcess[];
  workers: BotProcess[];
  sender: SlackEventSender;
  /** The run's key prefix. */
  prefix: string;
  /** Stops every process, deletes the run's keys and files. */
  stop(): Promise<void>;
}

export interface StackOptions {
  sim: SimulatorOptions;
  /** Worker processes (default 1). */
  workers?: number;
  /** Settings beside the wiring and the shipped defaults, printed by the scenario. */
  overrides?: Record<string, string>;
  /** Starts the run's key prefix (default "bench"). */
  name?: string;
  /** Node flags of the gateway process (`--cpu-prof` …). */
  gatewayNodeArgs?: readonly string[];
  /** Node flags of the worker processes (`--heapsnapshot-signal` …). */
  workerNodeArgs?: readonly string[];
}

/**
 * Starts a simulator process, a Slack sink, one gateway and `workers` worker processes of the shipped bot
 * (`nemo-video-bot start --role …`) against `redis` under a fresh key prefix.
 */
export async function startStack(
  redis: BenchRedis,
  admin: RedisClient,
  options: StackOptions,
): Promise<Stack> {
  const sim = await startSimulatorProcess(options.sim);
  const sink = await SlackSink.start(BOT_USER);
  const port = await freePort();
  const prefix = `${options.name ?? "bench"}${randomBytes(4).toString("hex")}`;
  const dataDir = await mkdtemp(join(tmpdir(), "nemo-bench-"));
  const env = botEnv({
    simUrl: sim.url,
    redisUrl: redis.url,
    prefix,
    dataDir,
    slackApiUrl: sink.url,
    signingSecret: SIGNING_SECRET,
    port,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const sender = new SlackEventSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, BOT_USER);
  const processes: BotProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await sender.close();
    await sink.close();
    await sim.stop();
    await deletePrefix(admin, prefix);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    processes.push(
      await startBotProcess("gateway", env, join(dataDir, "gateway.log"), options.gatewayNodeArgs),
    );
    const workers = await Promise.all(
      Array.from({ length: options.workers ?? 1 }, (_, index) =>
        startBotProcess("worker", env, join(dataDir, `worker-${index}.log`), options.workerNodeArgs),
      ),
    );
    processes.push(...workers);
    return { sim, sink, processes, workers, sender, prefix, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
