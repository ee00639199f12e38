import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import { createSlackMessenger } from "../../../src/adapters/slack/outbound/slack-messenger.js";
import { createSlackAdapter, type SlackAdapterSetup } from "../../../src/adapters/slack/slack-adapter.js";
import { Runtime } from "../../../src/app/runtime.js";
import { loadConfig } from "../../../src/config/config.js";
import type { Inbound, IntakePort } from "../../../src/core/conversation/inbound.js";
import { silentLogger } from "../../../src/core/logger.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../../src/simulator/index.js";
import { FAST_TIMINGS } from "../../helpers/bot-fixture.js";
import { waitForChange } from "../../helpers/wait-for-change.js";
import { trustingDispatcher } from "../tls/test-tls.js";
import { FakeSlackApi, type FakeSlackOptions } from "./fake-slack-api.js";
import { type SignedRequestOptions, sendSigned } from "./signed-request.js";

export const BOT_TOKEN = "xoxb-1111-2222-test-bot-token";
export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TEAM = "T0FAKE";
export const BOT_USER = "UBOT";

export interface SlackBotOptions {
  /** Handler behind the adapter; default: the full runtime (Redis, BullMQ workers, simulator). */
  handler?: IntakePort;
  /** Needed for the full runtime. */
  redisUrl?: string;
  allowedChannels?: string[];
  allowDirectMessages?: boolean;
  fake?: Partial<FakeSlackOptions>;
  /** Extra environment for the runtime's configuration (e.g. `SECRETS_KEY`). */
  env?: Record<string, string>;
  sim?: SimulatorOptions;
  /** `SLACK_MAX_UPLOAD_MB` of the runtime's messenger, in bytes. */
  maxUploadBytes?: number;
  /** The adapter's feedback hook (👍/👎 on streamed answers). */
  onFeedback?: (rating: "good" | "bad") => void;
}

/** The Slack adapter in HTTP mode behind a loopback server, against the fake Web API (and the runtime). */
export class SlackBot {
  /** Every inbound the adapter handed over, once the handler has finished with it. */
  readonly handled: Inbound[] = [];
  private readonly changes = new EventEmitter();

  private constructor(
    readonly fake: FakeSlackApi,
    readonly setup: SlackAdapterSetup,
    private readonly server: Server,
    readonly eventsUrl: string,
    readonly runtime: Runtime | undefined,
    readonly sim: Simulator | undefined,
  ) {}

  static async start(options: SlackBotOptions = {}): Promise<SlackBot> {
    const fake = await FakeSlackApi.start({
      botToken: BOT_TOKEN,
      teamId: TEAM,
      botUserId: BOT_USER,
      scopes: ["commands", "chat:write"],
      ...options.fake,
    });
    let sim: Simulator | undefined;
    let runtime: Runtime | undefined;
    let inner = options.handler;
    if (!inner) {
      if (!options.redisUrl) throw new Error("redisUrl is needed for the full runtime");
      sim = await startSimulator({ generationMs: 50, editMs: 5, renderSteps: 2, ...options.sim });
      const config = loadConfig({
        NEMO_API_URL: sim.url,
        NEMO_WEB_URL: "https://web.example",
        REDIS_URL: options.redisUrl,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        DOWNLOAD_HOSTS: "127.0.0.1",
        ...options.env,
      });
      runtime = await Runtime.create({
        config,
        logger: silentLogger(),
        messengers: {
          slack: createSlackMessenger({
            botToken: BOT_TOKEN,
            apiUrl: fake.apiUrl,
            logger: silentLogger(),
            ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
          }),
        },
        prefix: `slack${randomUUID().slice(0, 8)}`,
        timings: FAST_TIMINGS,
        rateLimitWaitMs: 50,
        downloadDispatcher: trustingDispatcher(),
      });
      runtime.startWorkers({ turn: 10 });
      inner = runtime.intake;
    }
    const target = inner;
    let bot: SlackBot | undefined;
    const handler: IntakePort = {
      async handle(inbound) {
        try {
          await target.handle(inbound);
        } finally {
          bot?.handled.push(inbound);
          bot?.changes.emit("change");
        }
      },
      ...(target.isConversation ? { isConversation: target.isConversation.bind(target) } : {}),
    };
    const setup = createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      allowedChannels: options.allowedChannels ?? [],
      ...(options.allowDirectMessages === undefined
        ? {}
        : { allowDirectMessages: options.allowDirectMessages }),
      handler,
      logger: silentLogger(),
      ...(options.onFeedback ? { onFeedback: options.onFeedback } : {}),
    });
    const listener = setup.requestListener;
    if (!listener) throw new Error("HTTP mode expected");
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    bot = new SlackBot(fake, setup, server, `http://127.0.0.1:${port}/slack/events`, runtime, sim);
    await setup.adapter.start();
    return bot;
  }

  /** A `response_url` on the fake. */
  responseUrl(name: string): string {
    return `${this.fake.url}/respond/${name}`;
  }

  /** POSTs a signed JSON body (events). */
  sendJson(body: string, options: Partial<SignedRequestOptions> = {}) {
    return sendSigned(this.eventsUrl, body, {
      secret: SIGNING_SECRET,
      contentType: "application/json",
      ...options,
    });
  }

  /** POSTs a signed form body (slash commands, interactivity). */
  sendForm(body: string, options: Partial<SignedRequestOptions> = {}) {
    return sendSigned(this.eventsUrl, body, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
      ...options,
    });
  }

  /** Resolves once the handler has taken `count` inbounds with this id. */
  waitHandled(id: string, count = 1, timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(
      () => this.handled.filter((inbound) => inbound.id === id).length >= count,
      timeoutMs,
      `inbound ${id}`,
    );
  }

  /** Resolves once `predicate` holds, checked after every handled inbound. */
  waitUntil(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    return waitForChange(this.changes, "change", predicate, timeoutMs, () => {
      return `${what}; handled: ${this.handled.map((inbound) => inbound.id).join(", ")}`;
    });
  }

  async dispose(): Promise<void> {
    await this.setup.adapter.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.runtime?.close();
    await this.sim?.close();
    await this.fake.close();
  }
}
