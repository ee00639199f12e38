import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RedisInstallationStore,
  type SlackInstallation,
} from "../src/adapters/slack/setup/installation-store.js";
import { RotatingInstallationStore } from "../src/adapters/slack/setup/token-rotation.js";
import { installationRedis } from "../src/app/installation-redis.js";
import { silentLogger } from "../src/core/logger.js";
import { SecretBox } from "../src/core/secret-box.js";
import { Keys } from "../src/store/keys.js";
import { SlackTokenRefresh } from "../src/store/slack-token-refresh.js";
import { FakeSlackApi, type FakeWorkspace } from "./fakes/slack/fake-slack-api.js";
import { TestRedisServer } from "./helpers/redis-server.js";

const OAUTH = { clientId: "1111.2222", clientSecret: "client-secret-for-tests" };
const box = new SecretBox("a-test-secrets-key-that-is-long-enough-0123456789");

let server: TestRedisServer;
let redis: Redis;
let fake: FakeSlackApi;
let keys: Keys;

beforeAll(async () => {
  server = await TestRedisServer.start();
  redis = new Redis(server.url);
  fake = await FakeSlackApi.start({ botToken: "xoxb-unused", oauth: OAUTH });
  keys = new Keys(`refresh${randomUUID().slice(0, 8)}`);
});
afterAll(async () => {
  redis?.disconnect();
  await fake?.close();
  await server?.stop();
});

/** A clock in seconds that only the test moves. */
function testClock() {
  let seconds = Math.floor(Date.now() / 1000);
  return {
    now: () => seconds,
    advance(by: number) {
      seconds += by;
    },
  };
}

/** One process's reader of the installations (its own single-flight and lock owner value). */
function processStore(now?: () => number) {
  const store = new RedisInstallationStore(installationRedis(redis), keys.bull, box);
  return new RotatingInstallationStore(store, new SlackTokenRefresh(redis, keys), {
    ...OAUTH,
    apiUrl: fake.apiUrl,
    logger: silentLogger(),
    ...(now ? { now } : {}),
  });
}

/** Installs `workspace` through the fake's `oauth.v2.access` and stores it with its expiry `expiresAt`. */
async function installed(workspace: FakeWorkspace, expiresAt: number): Promise<SlackInstallation> {
  const code = `code-${randomUUID()}`;
  fake.grantCode(code, workspace);
  const answer = (await (
    await fetch(`${fake.apiUrl}/oauth.v2.access`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code, client_id: OAUTH.clientId, client_secret: OAUTH.clientSecret }),
    })
  ).json()) as { access_token: string; refresh_token: string };
  const installation: SlackInstallation = {
    team: { id: workspace.teamId },
    enterprise: undefined,
    isEnterpriseInstall: false,
    authVersion: "v2",
    user: { id: "UINSTALLER", token: undefined, scopes: undefined },
    bot: {
      id: "B1",
      userId: workspace.botUserId,
      scopes: [],
      token: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt,
    },
  };
  await new RedisInstallationStore(installationRedis(redis), keys.bull, box).storeInstallation(installation);
  return installation;
}

const refreshCalls = (team: string) =>
  fake
    .callsOf("oauth.v2.access")
    .filter(
      (call) =>
        call.params.grant_type === "refresh_token" && String(call.params.refresh_token).includes(team),
    );

describe("Slack token refresh", () => {
  it("two processes looking up an expiring token at once make one refresh call", async () => {
    const workspace = { teamId: "TCONC", botUserId: "UBOTC", expiresIn: 60 };
    const first = await installed(workspace, Math.floor(Date.now() / 1000) + 60);
    const [one, two] = [processStore(), processStore()];
    const tokens = await Promise.all(
      [one, two, one, two].map(async (store) => (await store.find(workspace.teamId))?.bot?.token),
    );
    expect(refreshCalls("TCONC")).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first.bot?.token);
    // The holder released its lock; Bolt is handed no refresh token, so it never refreshes on its own.
    expect(await redis.exists(keys.slackRefreshLock(workspace.teamId))).toBe(0);
    const forBolt = await one.fetchInstallation({
      teamId: workspace.teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(forBolt.bot?.token).toBe(tokens[0]);
    expect(forBolt.bot?.refreshToken).toBeUndefined();
    expect(forBolt.bot?.expiresAt).toBeUndefined();
  });

  it("holds the lock longer than the refresh call may take, and releases it when done", async () => {
    const workspace = { teamId: "TSLOW", botUserId: "UBOTS", expiresIn: 60 };
    await installed(workspace, Math.floor(Date.now() / 1000) + 60);
    const release = fake.holdNext("oauth.v2.access");
    const finding = processStore().find(workspace.teamId);
    await fake.waitFor(() => refreshCalls("TSLOW").length === 1, 10_000, "the refresh call");
    // The call times out after 10 s; the lock lasts 30 s, so it cannot run out under a refresh.
    expect(await redis.pttl(keys.slackRefreshLock(workspace.teamId))).toBeGreaterThan(20_000);
    release();
    expect((await finding)?.bot?.token).toMatch(/^xoxe\.xoxb-TSLOW-/);
    expect(await redis.exists(keys.slackRefreshLock(workspace.teamId))).toBe(0);
  });

  it("the refresh lock is deleted only by the owner that holds it", async () => {
    const refreshes = new SlackTokenRefresh(redis, keys);
    expect(await refreshes.lock("TLOCK", "owner-a", 30_000)).toBe(true);
    expect(await refreshes.lock("TLOCK", "owner-b", 30_000)).toBe(false);
    // Another process (whose own lock had run out) releasing leaves the holder's lock in place.
    await refreshes.unlock("TLOCK", "owner-b");
    expect(await redis.get(keys.slackRefreshLock("TLOCK"))).toBe("owner-a");
    expect(await redis.pttl(keys.slackRefreshLock("TLOCK"))).toBeGreaterThan(10_000);
    await refreshes.unlock("TLOCK", "owner-a");
    expect(await refreshes.lock("TLOCK", "owner-b", 30_000)).toBe(true);
    await refreshes.unlock("TLOCK", "owner-b");
  });

  it("a failing refresh is not retried before its back-off, which doubles; the valid token serves meanwhile", async () => {
    const workspace = { teamId: "TFAIL", botUserId: "UBOTF", expiresIn: 60 };
    const clock = testClock();
    const first = await installed(workspace, clock.now() + 100);
    const [one, two] = [processStore(clock.now), processStore(clock.now)];
    const tokenVia = async (store: RotatingInstallationStore) =>
      (await store.find(workspace.teamId))?.bot?.token;
    fake.fail("oauth.v2.access", "internal_error", 100);

    expect(await tokenVia(one)).toBe(first.bot?.token);
    expect(refreshCalls("TFAIL")).toHaveLength(1);
    // 15 s back-off: neither process calls Slack again before it ends.
    clock.advance(10);
    expect([await tokenVia(one), await tokenVia(two)]).toEqual([first.bot?.token, first.bot?.token]);
    expect(refreshCalls("TFAIL")).toHaveLength(1);
    clock.advance(6);
    expect(await tokenVia(two)).toBe(first.bot?.token);
    expect(refreshCalls("TFAIL")).toHaveLength(2);
    // Now 30 s.
    clock.advance(25);
    await tokenVia(one);
    expect(refreshCalls("TFAIL")).toHaveLength(2);
    clock.advance(6);
    await tokenVia(one);
    expect(refreshCalls("TFAIL")).toHaveLength(3);
    // Expired while backing off (60 s now): a coded refusal, still without calling Slack.
    clock.advance(55);
    await expect(tokenVia(two)).rejects.toMatchObject({ code: "SLACK_TOKEN_REFRESH_FAILED" });
    expect(refreshCalls("TFAIL")).toHaveLength(3);
    // Slack answers again: the next try after the back-off succeeds and the failures are forgotten.
    fake.fail("oauth.v2.access", "internal_error", 0);
    clock.advance(6);
    const rotated = await tokenVia(one);
    expect(refreshCalls("TFAIL")).toHaveLength(4);
    expect(rotated).toMatch(/^xoxe\.xoxb-TFAIL-/);
    expect(rotated).not.toBe(first.bot?.token);
    expect(await redis.exists(keys.slackRefreshBackoff(workspace.teamId))).toBe(0);
  });

  it("the back-off is bounded", async () => {
    const refreshes = new SlackTokenRefresh(redis, keys, { baseMs: 1_000, maxMs: 5_000 });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push((await refreshes.failed("TBOUND", 1_000_000)) - 1_000_000);
    expect(waits).toEqual([1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(await redis.pttl(keys.slackRefreshBackoff("TBOUND"))).toBeGreaterThan(0);
  });
});
