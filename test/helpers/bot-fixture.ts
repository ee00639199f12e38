import { randomUUID } from "node:crypto";
import { Runtime } from "../../src/app/runtime.js";
import type { WorkerConcurrency } from "../../src/config/concurrency-defaults.js";
import { loadConfig } from "../../src/config/config.js";
import type { Timings } from "../../src/config/timings.js";
import type { ConversationRef } from "../../src/core/conversation/conversation-ref.js";
import type { Attachment, Inbound } from "../../src/core/conversation/inbound.js";
import type { ActionKind } from "../../src/core/conversation/reply.js";
import { silentLogger } from "../../src/core/logger.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/simulator/index.js";
import { RecordingMessenger } from "./recording-messenger.js";

/** Short timings so the whole product runs in test time. */
export const FAST_TIMINGS: Partial<Timings> = {
  stillWorkingMs: 60_000,
  editThrottleMs: 20,
  recoveryDelaysMs: [100, 200, 300],
  exportPollMs: 30,
  exportPollMaxMs: 300,
  exportTimeoutMs: 10_000,
  lineRecheckMs: 2_000,
  lockDurationMs: 5_000,
  stalledIntervalMs: 1_000,
  shutdownGraceMs: 2_000,
  deliverAttempts: 5,
  deliverBackoffMs: 50,
  refusalCheckDelayMs: 100,
  backendWaitFirstMs: 100,
  backendWaitMaxDelayMs: 400,
  backendMaxWaitMs: 20_000,
};

export interface BotFixture {
  sim: Simulator;
  runtime: Runtime;
  messenger: RecordingMessenger;
  prefix: string;
  /** A user message in a thread, through the gateway (the adapters' entry point). */
  say(thread: string, text: string, extra?: Partial<Inbound>): Promise<Inbound>;
  click(thread: string, kind: ActionKind, arg?: string): Promise<Inbound>;
  attach(thread: string, attachments: Attachment[], text?: string): Promise<Inbound>;
  ref(thread: string): ConversationRef;
  dispose(): Promise<void>;
}

export async function startBot(
  redisUrl: string,
  options: {
    sim?: SimulatorOptions;
    simulator?: Simulator;
    timings?: Partial<Timings>;
    concurrency?: Partial<WorkerConcurrency>;
    workers?: boolean;
    env?: NodeJS.ProcessEnv;
    /** The platform of the fixture's threads (the recording messenger serves every platform). */
    platform?: ConversationRef["platform"];
  } = {},
): Promise<BotFixture> {
  const sim =
    options.simulator ??
    (await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, ...options.sim }));
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const messenger = new RecordingMessenger();
  const config = loadConfig({
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: "https://web.example",
    REDIS_URL: redisUrl,
    ...options.env,
  });
  const runtime = await Runtime.create({
    config,
    logger: silentLogger(),
    messengers: { console: messenger, discord: messenger, slack: messenger },
    prefix,
    timings: { ...FAST_TIMINGS, ...options.timings },
    rateLimitWaitMs: 50,
  });
  if (options.workers !== false) runtime.startWorkers({ turn: 20, ...options.concurrency });
  const ref = (thread: string): ConversationRef => ({
    platform: options.platform ?? "console",
    workspace: "local",
    channel: "test",
    thread,
  });
  const inbound = (thread: string, extra: Partial<Inbound>): Inbound => ({
    id: randomUUID(),
    ref: ref(thread),
    user: { id: "u1" },
    text: "",
    attachments: [],
    ...extra,
  });
  // Like a platform, re-delivers the same event until the intake takes it (e.g. while Redis restarts),
  // each time once the Redis holding the bot's keys answers again: a read of a key in their slot, on the
  // bot's main connection, waits through the reconnection (or a cluster master's restart).
  const handle = async (message: Inbound) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await runtime.intake.handle(message);
        return message;
      } catch (error) {
        if (attempt === 50) throw error;
        await runtime.services.redis.exists(`{${prefix}}:reachable`);
      }
    }
  };
  return {
    sim,
    runtime,
    messenger,
    prefix,
    ref,
    say: (thread, text, extra = {}) => handle(inbound(thread, { text, ...extra })),
    click: (thread, kind, arg) => handle(inbound(thread, { action: { kind, arg } })),
    attach: (thread, attachments, text = "") => handle(inbound(thread, { text, attachments })),
    dispose: async () => {
      await runtime.close();
      if (!options.simulator) await sim.close();
    },
  };
}
