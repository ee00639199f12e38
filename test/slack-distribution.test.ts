import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceSlackMessenger } from "../src/adapters/slack/outbound/workspace-messenger.js";
import { createSlackInstallations, installationTokens } from "../src/adapters/slack/setup/distribution.js";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/setup/doctor-check.js";
import { RedisInstallationStore } from "../src/adapters/slack/setup/installation-store.js";
import type { RotatingInstallationStore } from "../src/adapters/slack/setup/token-rotation.js";
import { createSlackAdapter, type SlackAdapterSetup } from "../src/adapters/slack/slack-adapter.js";
import { Health } from "../src/app/health.js";
import { HttpServer } from "../src/app/http-server.js";
import { installationRedis } from "../src/app/installation-redis.js";
import { platformAdapters } from "../src/app/platforms.js";
import { Runtime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/core/logger.js";
import { SecretBox } from "../src/core/secret-box.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { SlackTokenRefresh } from "../src/store/slack-token-refresh.js";
import { FakeSlackApi, type FakeWorkspace } from "./fakes/slack/fake-slack-api.js";
import { appMention, eventCallbackBody } from "./fakes/slack/payloads.js";
import { sendSigned } from "./fakes/slack/signed-request.js";
import { FAST_TIMINGS } from "./helpers/bot-fixture.js";
import { TestRedisServer } from "./helpers/redis-server.js";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const OAUTH = { clientId: "1111.2222", clientSecret: "client-secret-for-tests" };
const SECRETS_KEY = "a-test-secrets-key-that-is-long-enough-0123456789";
const ALPHA: FakeWorkspace = { teamId: "TALPHA", botUserId: "UBOTA" };
const BETA: FakeWorkspace = { teamId: "TBETA", botUserId: "UBOTB" };
/** Token rotation on, and the first token already within the refresh window. */
const GAMMA: FakeWorkspace = { teamId: "TGAMMA", botUserId: "UBOTG", expiresIn: 60 };

let redis: TestRedisServer;
let fake: FakeSlackApi;
let sim: Simulator;
let runtime: Runtime;
let installations: RotatingInstallationStore;
let setup: SlackAdapterSetup;
let server: Server;
let base: string;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  fake = await FakeSlackApi.start({ botToken: "xoxb-unused", scopes: [...SLACK_BOT_SCOPES], oauth: OAUTH });
  sim = await startSimulator({ generationMs: 20, editMs: 5, renderSteps: 2 });
  const config = loadConfig({
    NEMO_API_URL: sim.url,
    NEMO_WEB_URL: "https://web.example",
    REDIS_URL: redis.url,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID: OAUTH.clientId,
    SLACK_CLIENT_SECRET: OAUTH.clientSecret,
    SLACK_STATE_SECRET: "state-secret-for-tests-4f1c9a7e",
    SECRETS_KEY,
    SLACK_API_URL: fake.apiUrl,
  });
  let made: Promise<RotatingInstallationStore> | undefined;
  const lazyInstallations = () => {
    made ??= Promise.resolve(
      createSlackInstallations({
        ...OAUTH,
        box: new SecretBox(SECRETS_KEY),
        apiUrl: fake.apiUrl,
        redis: installationRedis(runtime.services.redis),
        refreshes: new SlackTokenRefresh(runtime.services.redis, runtime.services.keys),
        prefix: runtime.services.keys.bull,
        logger: silentLogger(),
      }),
    );
    return made;
  };
  runtime = await Runtime.create({
    config,
    logger: silentLogger(),
    messengers: {
      slack: createWorkspaceSlackMessenger({
        tokens: installationTokens(lazyInstallations),
        apiUrl: fake.apiUrl,
        logger: silentLogger(),
      }),
    },
    prefix: `dist${randomUUID().slice(0, 8)}`,
    timings: FAST_TIMINGS,
    rateLimitWaitMs: 50,
  });
  runtime.startWorkers({ turn: 10 });
  installations = await lazyInstallations();
  setup = createSlackAdapter({
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.apiUrl,
    distribution: {
      ...OAUTH,
      stateSecret: "state-secret-for-tests",
      installations,
      scopes: SLACK_BOT_SCOPES,
      authorizationUrl: `${fake.url}/oauth/v2/authorize`,
    },
    allowedChannels: [],
    handler: runtime.intake,
    logger: silentLogger(),
  });
  server = createServer(setup.requestListener!);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await setup.adapter.start();
});
afterAll(async () => {
  await setup?.adapter.stop();
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await runtime?.close();
  await sim?.close();
  await fake?.close();
  await redis?.stop();
});

/** The browser's walk: open /slack/install, consent on Slack (the fake grants a code), come back. */
async function install(workspace: FakeWorkspace): Promise<void> {
  const page = await fetch(`${base}/slack/install`, { redirect: "manual" });
  expect(page.status).toBe(302);
  const consent = new URL(page.headers.get("location")!);
  expect(consent.searchParams.get("client_id")).toBe(OAUTH.clientId);
  const state = consent.searchParams.get("state")!;
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const code = `code-${workspace.teamId}`;
  fake.grantCode(code, workspace);
  const back = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
    redirect: "manual",
  });
  expect(back.status).toBe(200);
  await back.text();
}

/** Resolves once no turn or delivery job is waiting, delayed or running. */
async function queuesIdle(timeoutMs: number): Promise<void> {
  const { turn, deliver } = runtime.services.queues;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(
      [turn, deliver].map((queue) => queue.getJobCounts("active", "waiting", "delayed")),
    );
    if (counts.every((count) => count.active === 0 && count.waiting === 0 && count.delayed === 0)) return;
    if (Date.now() > deadline) throw new Error(`queues still busy: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const tokenOf = async (team: string) => (await installations.find(team))?.bot?.token;
const mention = (workspace: FakeWorkspace, channel: string, ts: string, text: string) =>
  sendSigned(
    `${base}/slack/events`,
    eventCallbackBody(appMention({ channel, user: "U1", text: `<@${workspace.botUserId}> ${text}`, ts }), {
      team: workspace.teamId,
      eventId: `Ev-${workspace.teamId}-${ts}`,
      botUserId: workspace.botUserId,
    }),
    { secret: SIGNING_SECRET, contentType: "application/json" },
  );
const postsIn = (channel: string) =>
  fake.calls.filter((call) => call.method.startsWith("chat.") && call.params.channel === channel);
const answered = (channel: string) =>
  postsIn(channel).some((call) => JSON.stringify(call.params.blocks ?? []).includes("nemo_export"));

describe("Slack installed in many workspaces (OAuth through Bolt, installations in Redis)", () => {
  it("installs two workspaces, keeps their tokens sealed in Redis, and answers each with its own token", async () => {
    await install(ALPHA);
    await install(BETA);
    const alphaToken = await tokenOf(ALPHA.teamId);
    const betaToken = await tokenOf(BETA.teamId);
    expect(alphaToken).toMatch(/^xoxb-TALPHA-/);
    expect(betaToken).toMatch(/^xoxb-TBETA-/);
    const sealed = await runtime.services.redis.get(
      `${runtime.services.keys.bull}:slack:installation:TALPHA`,
    );
    expect(sealed).toMatch(/^v2:/);
    expect(sealed).not.toContain(alphaToken);
    expect(sealed).not.toContain("UBOTA");

    expect((await mention(ALPHA, "CALPHA", "1700000001.000100", "a video of foxes")).status).toBe(200);
    expect((await mention(BETA, "CBETA", "1700000002.000100", "a video of owls")).status).toBe(200);
    await fake.waitFor(() => answered("CALPHA") && answered("CBETA"), 20_000, "answers in both workspaces");
    expect(new Set(postsIn("CALPHA").map((call) => call.authorization))).toEqual(
      new Set([`Bearer ${alphaToken}`]),
    );
    expect(new Set(postsIn("CBETA").map((call) => call.authorization))).toEqual(
      new Set([`Bearer ${betaToken}`]),
    );
    // The thread's workspace is the installation's team (authorizations), not the author's `event.team`.
    expect(postsIn("CALPHA")[0]?.params.thread_ts).toBe("1700000001.000100");
  });

  it("refreshes an expiring token once while concurrent requests wait for that one refresh", async () => {
    await install(GAMMA);
    await installations.find(GAMMA.teamId);
    const refreshes = () =>
      fake.callsOf("oauth.v2.access").filter((call) => call.params.grant_type === "refresh_token");
    // The install's own token expires within the window: the first reader above refreshed it.
    expect(refreshes()).toHaveLength(1);
    const rotated = await tokenOf(GAMMA.teamId);
    expect(rotated).toMatch(/^xoxe\.xoxb-TGAMMA-/);

    // Make it expire again, then many readers at once (Bolt's authorize, workers' deliveries).
    const stored = (await installations.find(GAMMA.teamId))!;
    const expiring = { ...stored, bot: { ...stored.bot!, expiresAt: Math.floor(Date.now() / 1000) + 30 } };
    const raw = new RedisInstallationStore(
      installationRedis(runtime.services.redis),
      runtime.services.keys.bull,
      new SecretBox(SECRETS_KEY),
    );
    await raw.storeInstallation(expiring);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => tokenOf(GAMMA.teamId)),
      mention(GAMMA, "CGAMMA", "1700000003.000100", "a video of bees").then(() => undefined),
      mention(GAMMA, "CGAMMA", "1700000004.000100", "a video of ants").then(() => undefined),
    ]);
    expect(refreshes()).toHaveLength(2);
    const fresh = await tokenOf(GAMMA.teamId);
    expect(fresh).not.toBe(rotated);
    for (const token of results.slice(0, 8)) expect(token).toBe(fresh);
    // Two processes (two stores on one Redis) reading an expiring token at once: one refresh, by the
    // process that took the lock; the other waits for its result.
    const latest = (await installations.find(GAMMA.teamId))!;
    await raw.storeInstallation({
      ...latest,
      bot: { ...latest.bot!, expiresAt: Math.floor(Date.now() / 1000) + 30 },
    });
    const otherProcess = createSlackInstallations({
      ...OAUTH,
      box: new SecretBox(SECRETS_KEY),
      apiUrl: fake.apiUrl,
      redis: installationRedis(runtime.services.redis),
      refreshes: new SlackTokenRefresh(runtime.services.redis, runtime.services.keys),
      prefix: runtime.services.keys.bull,
      logger: silentLogger(),
    });
    const both = await Promise.all(
      [installations, otherProcess, installations, otherProcess].map(
        async (store) => (await store.find(GAMMA.teamId))?.bot?.token,
      ),
    );
    expect(refreshes()).toHaveLength(3);
    expect(new Set(both).size).toBe(1);
    expect(both[0]).not.toBe(fresh);
    await fake.waitFor(() => answered("CGAMMA"), 20_000, "answer in the rotated workspace");
    // Every post in that workspace carried one of its rotated tokens (never the expired first one).
    for (const call of postsIn("CGAMMA"))
      expect([`Bearer ${fresh}`, `Bearer ${both[0]}`]).toContain(call.authorization);
  });

  it("app_uninstalled deletes the installation; queued work of that workspace finishes without posting", async () => {
    const key = `${runtime.services.keys.bull}:slack:installation:TBETA`;
    expect(await runtime.services.redis.exists(key)).toBe(1);
    // A message is taken and acknowledged; its answer is held by the backend while the workspace uninstalls.
    sim.inject("run_sse", { kind: "pause", afterEvents: 1, ms: 3_000 });
    expect((await mention(BETA, "CBETA2", "1700000005.000100", "a video of cats")).status).toBe(200);
    await fake.waitFor(() => postsIn("CBETA2").length > 0, 10_000, "the acknowledgement");
    fake.revokeTeam(BETA.teamId);
    const uninstall = eventCallbackBody(
      { type: "app_uninstalled", event_ts: "1700000006.000100" },
      { team: BETA.teamId, eventId: "Ev-uninstall", botUserId: BETA.botUserId },
    );
    const signed = { secret: SIGNING_SECRET, contentType: "application/json" } as const;
    expect((await sendSigned(`${base}/slack/events`, uninstall, signed)).status).toBe(200);
    expect(await runtime.services.redis.exists(key)).toBe(0);
    const postedBefore = postsIn("CBETA2").length;
    // The held turn finishes (the job completes) without a post or edit in the gone workspace.
    await queuesIdle(15_000);
    expect(postsIn("CBETA2")).toHaveLength(postedBefore);
    // Bolt no longer authorizes that workspace's events: refused, nothing queued or posted.
    expect((await mention(BETA, "CBETA3", "1700000007.000100", "a video of dogs")).status).toBe(401);
    expect(postsIn("CBETA3")).toHaveLength(0);
    // The other workspaces are untouched.
    expect(await tokenOf(ALPHA.teamId)).toMatch(/^xoxb-TALPHA-/);
    expect(await tokenOf(GAMMA.teamId)).toMatch(/^xoxe\.xoxb-TGAMMA-/);
  });
});

describe("tokens_revoked", () => {
  it("deletes the installation when the bot token is revoked, not for user tokens only", async () => {
    const key = `${runtime.services.keys.bull}:slack:installation:${ALPHA.teamId}`;
    const revoked = (tokens: Record<string, string[]>, id: string) =>
      sendSigned(
        `${base}/slack/events`,
        eventCallbackBody(
          { type: "tokens_revoked", tokens, event_ts: "1700000009.000100" },
          { team: ALPHA.teamId, eventId: id, botUserId: ALPHA.botUserId },
        ),
        { secret: SIGNING_SECRET, contentType: "application/json" },
      );
    expect((await revoked({ oauth: ["UINSTALLER"] }, "Ev-revoke-user")).status).toBe(200);
    expect(await runtime.services.redis.exists(key)).toBe(1);
    expect((await revoked({ bot: [ALPHA.botUserId] }, "Ev-revoke-bot")).status).toBe(200);
    expect(await runtime.services.redis.exists(key)).toBe(0);
  });
});

describe("the gateway in distribution mode", () => {
  it("serves /slack/install, /slack/oauth_redirect and /slack/events on PORT", async () => {
    const config = loadConfig({
      REDIS_URL: redis.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CLIENT_ID: OAUTH.clientId,
      SLACK_CLIENT_SECRET: OAUTH.clientSecret,
      SLACK_STATE_SECRET: "state-secret-for-tests-4f1c9a7e",
      SECRETS_KEY,
      SLACK_API_URL: fake.apiUrl,
    });
    const http = new HttpServer(new Health(runtime.services.redis), silentLogger());
    const port = await http.listen(0, "127.0.0.1");
    const access = () => ({ redis: runtime.services.redis, keys: runtime.services.keys });
    const [adapter] = await platformAdapters(config, runtime.intake, silentLogger(), http, access);
    try {
      await adapter!.start();
      const gateway = `http://127.0.0.1:${port}`;
      const page = await fetch(`${gateway}/slack/install`, { redirect: "manual" });
      expect(page.status).toBe(302);
      expect(new URL(page.headers.get("location")!).searchParams.get("client_id")).toBe(OAUTH.clientId);
      // A redirect without the browser's state cookie is refused, and nothing is installed.
      const forged = await fetch(`${gateway}/slack/oauth_redirect?code=x&state=forged`, {
        redirect: "manual",
      });
      expect(forged.status).toBeGreaterThanOrEqual(400);
      await forged.text();
      const unsigned = await fetch(`${gateway}/slack/events`, { method: "POST", body: "{}" });
      expect(unsigned.status).toBe(401);
    } finally {
      await adapter?.stop();
      await http.close();
    }
  });
});
