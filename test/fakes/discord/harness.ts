import { randomUUID } from "node:crypto";
import {
  createDiscordAdapter,
  createDiscordMessenger,
  type DiscordAdapterConfig,
} from "../../../src/adapters/discord/index.js";
import { Runtime } from "../../../src/app/runtime.js";
import { loadConfig } from "../../../src/config/config.js";
import type { ChatAdapter } from "../../../src/core/conversation/chat-adapter.js";
import type { Messengers } from "../../../src/core/conversation/messenger.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../../src/simulator/index.js";
import { FAST_TIMINGS } from "../../helpers/bot-fixture.js";
import { galleryUrls } from "./components-v2.js";
import { FakeDiscord, type FakeDiscordOptions } from "./fake-discord.js";
import { type CapturedLogs, captureLogs } from "./log-capture.js";
import { latest } from "./model.js";

/** The whole bot on Discord: fake Discord, simulator, real Redis, runtime with workers, the adapter. */
export interface DiscordHarness {
  fake: FakeDiscord;
  sim: Simulator;
  runtime: Runtime;
  adapter: ChatAdapter;
  logs: CapturedLogs;
  /** Starts one more adapter (another gateway process) on the same fake and runtime. */
  addAdapter(overrides?: Partial<DiscordAdapterConfig>): Promise<ChatAdapter>;
  /** What the bot shows in a channel now: each message's latest content and embeds, as text. */
  transcript(channelId: string): string;
  /** `/run_sse` messages the backend received, in order. */
  sentMessages(): string[];
  dispose(): Promise<void>;
}

export interface DiscordHarnessOptions {
  fake?: FakeDiscordOptions;
  sim?: SimulatorOptions;
  /** Adapter settings (a function of the fake when they name its ids). */
  adapter?: Partial<DiscordAdapterConfig> | ((fake: FakeDiscord) => Partial<DiscordAdapterConfig>);
  /** Extra environment for the runtime's configuration (e.g. `SECRETS_KEY`). */
  env?: Record<string, string>;
  /** More messengers for the runtime (another platform's, for tests across platforms). */
  messengers?: Messengers;
}

export async function startDiscordHarness(
  redisUrl: string,
  options: DiscordHarnessOptions = {},
): Promise<DiscordHarness> {
  const fake = await FakeDiscord.start(options.fake);
  const sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, ...options.sim });
  const logs = captureLogs();
  const config = loadConfig({
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: "https://web.example",
    REDIS_URL: redisUrl,
    DOWNLOAD_HOSTS: "127.0.0.1",
    // Alice and Bob have Manage Server: place admins, who no longer skip the member limits, and talk in
    // many tests of one harness. Tests of the limits set their own.
    QUOTA_TURNS_PER_HOUR: "user=1000",
    QUOTA_GENERATIONS_PER_DAY: "user=1000",
    QUOTA_EXPORTS_PER_DAY: "user=1000",
    QUOTA_RUNNING_TURNS_PER_USER: "0",
    ...options.env,
  });
  const runtime = await Runtime.create({
    config,
    logger: logs.logger,
    messengers: {
      discord: createDiscordMessenger({ token: fake.token, apiUrl: fake.apiUrl, logger: logs.logger }),
      ...options.messengers,
    },
    prefix: `d${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 20 });
  const adapters: ChatAdapter[] = [];
  const base = typeof options.adapter === "function" ? options.adapter(fake) : options.adapter;
  const addAdapter = async (overrides: Partial<DiscordAdapterConfig> = {}) => {
    const adapter = createDiscordAdapter({
      token: fake.token,
      apiUrl: fake.apiUrl,
      guildId: fake.guild.id,
      allowedGuilds: [],
      allowedChannels: [],
      messageContent: true,
      handler: runtime.intake,
      logger: logs.logger,
      ...base,
      ...overrides,
    });
    adapters.push(adapter);
    await adapter.start();
    return adapter;
  };
  let adapter: ChatAdapter;
  try {
    adapter = await addAdapter();
  } catch (error) {
    await runtime.close();
    await sim.close();
    await fake.close();
    throw error;
  }
  return {
    fake,
    sim,
    runtime,
    adapter,
    logs,
    addAdapter,
    transcript: (channelId) =>
      fake
        .botMessagesIn(channelId)
        .map((message) => {
          const version = latest(message);
          const embeds = version.embeds.map(
            (embed) => `[embed ${embed.url ?? ""}]\n${embed.description ?? ""}`,
          );
          const media = galleryUrls(version.components).map((url) => `[media ${url}]`);
          const files = message.uploads.map((file) => `[file ${file.filename} ${file.size} bytes]`);
          return [version.content, ...embeds, ...media, ...files].filter(Boolean).join("\n");
        })
        .join("\n---\n"),
    sentMessages: () => sim.requests.filter((r) => r.message !== undefined).map((r) => r.message!),
    dispose: async () => {
      for (const running of adapters) await running.stop();
      await runtime.close();
      await sim.close();
      await fake.close();
    },
  };
}
