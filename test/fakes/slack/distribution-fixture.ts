import { randomUUID } from "node:crypto";
import { createSlackInstallations, SLACK_BOT_SCOPES } from "../../../src/adapters/slack/index.js";
import type { RotatingInstallationStore } from "../../../src/adapters/slack/setup/token-rotation.js";
import { Health } from "../../../src/app/health.js";
import { HttpServer } from "../../../src/app/http-server.js";
import { installationRedis } from "../../../src/app/installation-redis.js";
import { platformAdapters, platformMessengers, type RedisAccess } from "../../../src/app/platforms.js";
import { Runtime } from "../../../src/app/runtime.js";
import { loadConfig } from "../../../src/config/config.js";
import type { ChatAdapter } from "../../../src/core/conversation/chat-adapter.js";
import { silentLogger } from "../../../src/core/logger.js";
import { SecretBox } from "../../../src/core/secret-box.js";
import { type Simulator, startSimulator } from "../../../src/simulator/index.js";
import { SlackTokenRefresh } from "../../../src/store/slack-token-refresh.js";
import { FAST_TIMINGS } from "../../helpers/bot-fixture.js";
import { trustingDispatcher } from "../tls/test-tls.js";
import { FakeSlackApi, type FakeWorkspace } from "./fake-slack-api.js";
import { eventCallbackBody } from "./payloads.js";
import { sendSigned } from "./signed-request.js";

export const DIST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const DIST_OAUTH = { clientId: "1111.2222", clientSecret: "client-secret-for-tests" };
const SECRETS_KEY = "a-test-secrets-key-that-is-long-enough-0123456789";
const STATE_SECRET = "state-secret-for-tests-0123456789abcdef";

/**
 * A distributed Slack app wired as `start` wires it (the platforms' messengers and adapters from the
 * configuration, the gateway's HTTP server, the runtime's workers) against the loopback Slack fake,
 * the NemoVideo simulator and a real Redis. Workspaces install through `/slack/install` and Bolt's OAuth.
 */
export class DistributedSlackBot {
  private constructor(
    readonly fake: FakeSlackApi,
    readonly sim: Simulator,
    readonly runtime: Runtime,
    private readonly http: HttpServer,
    private readonly adapter: ChatAdapter,
    readonly base: string,
    /** A second reader of the installations (another process's store on the same Redis). */
    readonly installations: RotatingInstallationStore,
  ) {}

  static async start(redisUrl: string, env: Record<string, string> = {}): Promise<DistributedSlackBot> {
    const fake = await FakeSlackApi.start({
      botToken: "xoxb-single-workspace-token",
      scopes: [...SLACK_BOT_SCOPES],
      oauth: DIST_OAUTH,
    });
    const sim = await startSimulator({ generationMs: 20, editMs: 5, renderSteps: 2 });
    const config = loadConfig({
      NEMO_API_URL: sim.url,
      NEMO_WEB_URL: "https://web.example",
      REDIS_URL: redisUrl,
      SLACK_SIGNING_SECRET: DIST_SIGNING_SECRET,
      SLACK_CLIENT_ID: DIST_OAUTH.clientId,
      SLACK_CLIENT_SECRET: DIST_OAUTH.clientSecret,
      SLACK_STATE_SECRET: STATE_SECRET,
      SECRETS_KEY,
      SLACK_API_URL: fake.apiUrl,
      // The fake's file host is 127.0.0.1 (files.slack.com in production).
      DOWNLOAD_HOSTS: "127.0.0.1",
      ...env,
    });
    let runtime: Runtime | undefined;
    const access: RedisAccess = () => ({ redis: runtime!.services.redis, keys: runtime!.services.keys });
    runtime = await Runtime.create({
      config,
      logger: silentLogger(),
      messengers: await platformMessengers(config, silentLogger(), access),
      prefix: `dist${randomUUID().slice(0, 8)}`,
      timings: FAST_TIMINGS,
      rateLimitWaitMs: 50,
      downloadDispatcher: trustingDispatcher(),
    });
    runtime.startWorkers({ turn: 10 });
    const http = new HttpServer(new Health(runtime.services.redis), silentLogger());
    const port = await http.listen(0, "127.0.0.1");
    const [adapter] = await platformAdapters(config, runtime.intake, silentLogger(), http, access);
    await adapter!.start();
    const installations = createSlackInstallations({
      ...DIST_OAUTH,
      box: new SecretBox(SECRETS_KEY),
      apiUrl: fake.apiUrl,
      redis: installationRedis(runtime.services.redis),
      refreshes: new SlackTokenRefresh(runtime.services.redis, runtime.services.keys),
      prefix: runtime.services.keys.bull,
      logger: silentLogger(),
    });
    const base = `http://127.0.0.1:${port}`;
    return new DistributedSlackBot(fake, sim, runtime, http, adapter!, base, installations);
  }

  /** The browser's walk: open /slack/install, consent on Slack (the fake grants a code), come back. */
  async install(workspace: FakeWorkspace): Promise<void> {
    const page = await fetch(`${this.base}/slack/install`, { redirect: "manual" });
    if (page.status !== 302) throw new Error(`/slack/install answered ${page.status}`);
    const state = new URL(page.headers.get("location")!).searchParams.get("state")!;
    const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
    const code = `code-${workspace.teamId}-${randomUUID().slice(0, 6)}`;
    this.fake.grantCode(code, workspace);
    const back = await fetch(
      `${this.base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`,
      { headers: { cookie }, redirect: "manual" },
    );
    await back.text();
    if (back.status !== 200) throw new Error(`/slack/oauth_redirect answered ${back.status}`);
  }

  /** The workspace's current bot token, as the installation store hands it out. */
  async tokenOf(team: string): Promise<string | undefined> {
    return (await this.installations.find(team))?.bot?.token;
  }

  /** Sends one event of `workspace` to `/slack/events`, signed as Slack does. */
  sendEvent(workspace: FakeWorkspace, event: Record<string, unknown>, eventId: string) {
    return sendSigned(
      `${this.base}/slack/events`,
      eventCallbackBody(event, { team: workspace.teamId, eventId, botUserId: workspace.botUserId }),
      { secret: DIST_SIGNING_SECRET, contentType: "application/json" },
    );
  }

  async close(): Promise<void> {
    await this.adapter.stop();
    await this.http.close();
    await this.runtime.close();
    await this.sim.close();
    await this.fake.close();
  }
}
