import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/setup/doctor-check.js";
import {
  RedisInstallationStore,
  type SlackInstallation,
} from "../src/adapters/slack/setup/installation-store.js";
import { installationRedis } from "../src/app/installation-redis.js";
import { runSecretsCommand } from "../src/app/secrets-command.js";
import { loadConfig } from "../src/config/config.js";
import { SecretBox } from "../src/core/secret-box.js";
import { sealedRecordsCheck } from "../src/doctor/sealed-records-check.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { AccountStore } from "../src/store/account-store.js";
import { Keys } from "../src/store/keys.js";
import { FakeSlackApi, type FakeWorkspace } from "./fakes/slack/fake-slack-api.js";
import { appMention, eventCallbackBody, slashCommandBody } from "./fakes/slack/payloads.js";
import { sendSigned } from "./fakes/slack/signed-request.js";
import { dumpRedis } from "./helpers/redis-dump.js";
import { useRedisServer } from "./helpers/redis-server.js";
import { type Deployment, startDeployment } from "./helpers/secrets-deployment.js";

const redis = useRedisServer();
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const OAUTH = { clientId: "1111.2222", clientSecret: "client-secret-for-rotation-tests" };
const [KEY_A, KEY_B, KEY_C, KEY_LOST] = [1, 2, 3, 4].map(() => randomBytes(32).toString("hex")) as [
  string,
  string,
  string,
  string,
];
const T1: FakeWorkspace = { teamId: "TONE", botUserId: "UBOT1" };
const T2: FakeWorkspace = { teamId: "TTWO", botUserId: "UBOT2" };
const PREFIX = `rot${randomUUID().slice(0, 8)}`;
const keys = new Keys(PREFIX);

let fake: FakeSlackApi;
let sim: Simulator;
let deployment: Deployment | undefined;
const tokens = new Map<string, string>();
let member: { token: string; userId: string };
let client: Redis;

const envWith = (secrets: Record<string, string>) => ({
  NEMO_API_URL: sim.url,
  NEMO_WEB_URL: "https://web.example",
  REDIS_URL: redis.url,
  KEY_PREFIX: PREFIX,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_CLIENT_ID: OAUTH.clientId,
  SLACK_CLIENT_SECRET: OAUTH.clientSecret,
  SLACK_STATE_SECRET: "state-secret-for-rotation-tests-0123456789",
  SLACK_API_URL: fake.apiUrl,
  ...secrets,
});

async function start(secrets: Record<string, string>): Promise<Deployment> {
  await deployment?.stop();
  deployment = await startDeployment(envWith(secrets), PREFIX);
  return deployment;
}

/** A workspace's installation with a bot token the fake Slack accepts (its OAuth exchange). */
async function installationOf(workspace: FakeWorkspace): Promise<SlackInstallation> {
  fake.grantCode(`code-${workspace.teamId}`, workspace);
  const answer = (await (
    await fetch(`${fake.apiUrl}/oauth.v2.access`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: OAUTH.clientId,
        client_secret: OAUTH.clientSecret,
        code: `code-${workspace.teamId}`,
      }).toString(),
    })
  ).json()) as { access_token: string };
  tokens.set(workspace.teamId, answer.access_token);
  return {
    team: { id: workspace.teamId },
    enterprise: undefined,
    isEnterpriseInstall: false,
    appId: "AFAKE",
    tokenType: "bot",
    bot: {
      token: answer.access_token,
      userId: workspace.botUserId,
      id: "BFAKE",
      scopes: [...SLACK_BOT_SCOPES],
    },
    user: { id: "UINSTALLER", token: undefined, scopes: undefined },
  } as SlackInstallation;
}

const signed = { secret: SIGNING_SECRET } as const;
let sequence = 0;
function mention(base: string, workspace: FakeWorkspace, user: string, text: string) {
  const ts = `17000000${String(++sequence).padStart(2, "0")}.000100`;
  const channel = `C${workspace.teamId}${sequence}`;
  const body = eventCallbackBody(
    appMention({ channel, user, text: `<@${workspace.botUserId}> ${text}`, ts }),
    { team: workspace.teamId, eventId: `Ev-${workspace.teamId}-${ts}`, botUserId: workspace.botUserId },
  );
  return {
    channel,
    response: sendSigned(`${base}/slack/events`, body, { ...signed, contentType: "application/json" }),
  };
}
function slash(base: string, workspace: FakeWorkspace, user: string, text: string, name: string) {
  const body = slashCommandBody({
    team: workspace.teamId,
    channel: `C${workspace.teamId}`,
    user,
    text,
    triggerId: `trig-${name}`,
    responseUrl: `${fake.url}/respond/${name}`,
  });
  return sendSigned(`${base}/slack/events`, body, {
    ...signed,
    contentType: "application/x-www-form-urlencoded",
  });
}
/** Every post and edit in a channel (each mention below has a channel of its own). */
const repliesIn = (channel: string) =>
  fake.calls.filter((call) => call.method.startsWith("chat.") && call.params.channel === channel);
const answered = (ts: string) =>
  repliesIn(ts).some((call) => JSON.stringify(call.params).includes("nemo_export"));
/** What was posted to a command's `response_url` (its private answer). */
const answeredAt = (name: string) =>
  JSON.stringify(fake.responses.filter((response) => response.path.endsWith(`/respond/${name}`)));
const ephemeralTo = (user: string) =>
  fake.calls
    .filter((call) => call.method === "chat.postEphemeral" && call.params.user === user)
    .map((call) => JSON.stringify(call.params));

beforeAll(async () => {
  fake = await FakeSlackApi.start({ botToken: "xoxb-unused", scopes: [...SLACK_BOT_SCOPES], oauth: OAUTH });
  sim = await startSimulator({ generationMs: 20, editMs: 5, renderSteps: 2 });
  member = sim.createAccount({ balance: 5_000 });
  client = new Redis(redis.url);
});
afterAll(async () => {
  await deployment?.stop();
  await sim?.close();
  await fake?.close();
  client?.disconnect();
});

describe("rotating SECRETS_KEY (installations, linked accounts, anonymous token, reply addresses)", () => {
  it("key A → B with A as previous → reseal → B alone → C alone refuses clearly", async () => {
    // Key A: two workspaces installed, a member's own account linked, a turn on the shared account
    // (its anonymous token), a command with a response_url.
    let bot = await start({ SECRETS_KEY: KEY_A });
    const boxA = new SecretBox(KEY_A);
    const storeA = new RedisInstallationStore(installationRedis(client), keys.bull, boxA);
    await storeA.storeInstallation(await installationOf(T1));
    await storeA.storeInstallation(await installationOf(T2));
    await new AccountStore(client, keys, boxA).save("slack:UMEMBER", member.token);
    const first = mention(bot.base, T1, "UOTHER", "generate a video of foxes");
    expect((await first.response).status).toBe(200);
    await fake.waitFor(() => answered(first.channel), 20_000, "answer under key A");
    expect((await slash(bot.base, T1, "UMEMBER", "credits", "a-credits")).status).toBe(200);
    // A member's own balance is theirs alone: answered at the command's private reply address.
    await fake.waitFor(() => answeredAt("a-credits").includes("Credits"), 10_000);

    // Nothing secret in the clear anywhere in Redis, job data included.
    const anonymous = (await sealedValue(client, keys.kv("nemo:anonymous-token"))) ?? "";
    expect(anonymous).toMatch(/^v2:/);
    const dump = await dumpRedis(client);
    for (const secret of [
      ...tokens.values(),
      member.token,
      `${fake.url}/respond/a-credits`,
      "respond/a-credits",
    ])
      expect(dump).not.toContain(secret);
    expect(dump).not.toMatch(/clm_[\w-]{6,}/);
    expect(await client.keys(`{${PREFIX}}:reply:*`)).not.toHaveLength(0);

    // Key B, A as previous: everything still opens.
    bot = await start({ SECRETS_KEY: KEY_B, SECRETS_KEY_PREVIOUS: KEY_A });
    const second = mention(bot.base, T2, "UOTHER", "generate a video of owls");
    expect((await second.response).status).toBe(200);
    await fake.waitFor(() => answered(second.channel), 20_000, "answer under B + previous A");
    expect(new Set(repliesIn(second.channel).map((call) => call.authorization))).toEqual(
      new Set([`Bearer ${tokens.get(T2.teamId)}`]),
    );
    expect((await slash(bot.base, T1, "UMEMBER", "account", "b-account")).status).toBe(200);
    await fake.waitFor(
      () => ephemeralTo("UMEMBER").some((text) => text.includes("Your linked account")),
      10_000,
    );

    // Reseal: counts per kind; then every record is under B.
    const out: string[] = [];
    const env = envWith({ SECRETS_KEY: KEY_B, SECRETS_KEY_PREVIOUS: KEY_A });
    expect(await runSecretsCommand(["reseal"], env, (text) => out.push(text))).toBe(0);
    const printed = out.join("");
    expect(printed).toMatch(/slack-installation\s+resealed 2, already current 0, unreadable 0/);
    expect(printed).toMatch(/account\s+resealed 1, already current 0, unreadable 0/);
    expect(printed).toMatch(/anonymous-token\s+resealed 1, already current 0, unreadable 0/);
    expect(printed).toMatch(/reply-address\s+resealed 1, already current 0, unreadable 0/);
    out.length = 0;
    expect(await runSecretsCommand(["status"], env, (text) => out.push(text))).toBe(0);
    expect(out.join("")).not.toMatch(/under an old key [1-9]/);

    // Key B alone: everything readable.
    bot = await start({ SECRETS_KEY: KEY_B });
    const third = mention(bot.base, T1, "UMEMBER", "generate a video of bees");
    expect((await third.response).status).toBe(200);
    await fake.waitFor(() => answered(third.channel), 20_000, "answer under B alone");
    // The member's thread runs on their own account (its token opened under B).
    expect(sim.requests.some((r) => r.path === "/run_sse" && r.userId === member.userId)).toBe(true);
    expect(bot.logs.some((line) => line.msg === "secret-unreadable")).toBe(false);

    // A member whose account was sealed under a key nobody has any more is told so, privately, and their
    // thread does not run silently on the shared account.
    await new AccountStore(client, keys, new SecretBox(KEY_LOST)).save(
      "slack:ULOST",
      sim.createAccount().token,
    );
    expect((await slash(bot.base, T1, "ULOST", "account", "b-lost")).status).toBe(200);
    await fake.waitFor(
      () => ephemeralTo("ULOST").some((text) => text.includes("can no longer be read")),
      10_000,
    );
    const runsBefore = sim.requests.filter((r) => r.path === "/run_sse").length;
    const lost = mention(bot.base, T1, "ULOST", "generate a video of moths");
    expect((await lost.response).status).toBe(200);
    await fake.waitFor(
      () =>
        repliesIn(lost.channel).some((call) => JSON.stringify(call.params).includes("can no longer be read")),
      10_000,
      "the lost account's thread",
    );
    expect(sim.requests.filter((r) => r.path === "/run_sse")).toHaveLength(runsBefore);
    expect(bot.logs.filter((line) => line.msg === "secret-unreadable").map((line) => line.kind)).toEqual([
      "account",
    ]);

    // Key C alone: Slack's events are answered 200 (no retry loop) with a logged refusal; doctor names
    // the kinds no key opens.
    bot = await start({ SECRETS_KEY: KEY_C });
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = mention(bot.base, T1, "UOTHER", "generate a video of crabs");
      expect((await refused.response).status).toBe(200);
    }
    const refusals = bot.logs.filter((line) => line.msg === "slack-event-refused");
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toMatchObject({ workspace: T1.teamId, reason: "installation-unreadable" });
    expect(bot.logs.filter((line) => line.msg === "secret-unreadable").map((line) => line.kind)).toEqual([
      "slack-installation",
    ]);
    // A delivery to that workspace ends cleanly, with a log line, instead of failing and being retried.
    const ref = {
      platform: "slack" as const,
      workspace: T1.teamId,
      channel: "CTONE",
      thread: "1700000001.000100",
    };
    await bot.runtime.services.outbox.post(ref, { text: "a late answer" });
    expect(bot.logs.find((line) => line.msg === "slack-delivery-refused")).toMatchObject({
      workspace: T1.teamId,
      reason: "installation-unreadable",
    });
    const doctor = await sealedRecordsCheck(loadConfig(envWith({ SECRETS_KEY: KEY_C })), client);
    expect(doctor.status).toBe("fail");
    expect(doctor.detail).toMatch(/slack-installation 2/);
    expect(doctor.detail).toMatch(/account 2/);
    expect(doctor.detail).toMatch(/anonymous-token 1/);
  }, 120_000);
});

async function sealedValue(redisClient: Redis, key: string) {
  return (await redisClient.get(key)) ?? undefined;
}
