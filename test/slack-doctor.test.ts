import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES, slackDoctorCheck } from "../src/adapters/slack/setup/doctor-check.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";

const BOT = "xoxb-doctor-secret-bot-token";
const APP = "xapp-doctor-secret-app-token";
const SECRET = "doctor-signing-secret";

let fake: FakeSlackApi;
let narrow: FakeSlackApi;
beforeAll(async () => {
  fake = await FakeSlackApi.start({ botToken: BOT, appToken: APP, scopes: [...SLACK_BOT_SCOPES] });
  fake.socketUrl = "ws://127.0.0.1:1/unused";
  narrow = await FakeSlackApi.start({ botToken: BOT, scopes: ["commands", "chat:write"] });
});
afterAll(async () => {
  await fake.close();
  await narrow.close();
});

const printed = (results: unknown) => JSON.stringify(results);

describe("slackDoctorCheck", () => {
  it("reports team, bot user and HTTP transport", async () => {
    const results = await slackDoctorCheck({ botToken: BOT, signingSecret: SECRET, apiUrl: fake.apiUrl });
    expect(results).toEqual([
      { name: "slack auth", status: "ok", detail: "team Fake Team (T0FAKE), bot @nemo (UBOT)" },
      { name: "slack transport", status: "ok", detail: expect.stringMatching(/^HTTP: .*\/slack\/events/) },
    ]);
  });

  it("picks Socket Mode when both are set, and checks the app token", async () => {
    const results = await slackDoctorCheck({
      botToken: BOT,
      appToken: APP,
      signingSecret: SECRET,
      apiUrl: fake.apiUrl,
    });
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ["slack auth", "ok"],
      ["slack transport", "ok"],
      ["slack app token", "ok"],
    ]);
    expect(results[1]!.detail).toMatch(/Socket Mode.*not used/);
    expect(fake.callsOf("apps.connections.open").at(-1)?.authorization).toBe(`Bearer ${APP}`);
    expect(printed(results)).not.toMatch(/xoxb-|xapp-|doctor-signing-secret/);
  });

  it("fails on a rejected token, missing scopes, a bad app token, or no transport — without printing secrets", async () => {
    const rejected = await slackDoctorCheck({
      botToken: "xoxb-wrong-secret",
      signingSecret: SECRET,
      apiUrl: fake.apiUrl,
    });
    expect(rejected[0]).toEqual({
      name: "slack auth",
      status: "fail",
      detail:
        "auth.test failed: Slack rejected SLACK_BOT_TOKEN (invalid_auth) — set SLACK_BOT_TOKEN to the Bot User OAuth Token (OAuth & Permissions; it starts with xoxb)",
    });

    const scopes = await slackDoctorCheck({ botToken: BOT, signingSecret: SECRET, apiUrl: narrow.apiUrl });
    expect(scopes[0]!.status).toBe("fail");
    expect(scopes[0]!.detail).toContain("missing scopes: app_mentions:read, channels:history");

    const app = await slackDoctorCheck({ botToken: BOT, appToken: "xapp-not-accepted", apiUrl: fake.apiUrl });
    expect(app[2]).toMatchObject({
      name: "slack app token",
      status: "fail",
      detail: expect.stringContaining("Slack rejected SLACK_APP_TOKEN (invalid_auth)"),
    });

    const none = await slackDoctorCheck({ botToken: BOT, apiUrl: fake.apiUrl });
    expect(none[1]).toMatchObject({ name: "slack transport", status: "fail" });
    expect(printed([rejected, scopes, app, none])).not.toMatch(/xoxb-|xapp-|doctor-signing-secret/);
  });

  it("skips without a bot token", async () => {
    expect(await slackDoctorCheck({ signingSecret: SECRET })).toEqual([
      { name: "slack", status: "skip", detail: "SLACK_BOT_TOKEN not set" },
    ]);
  });
});
