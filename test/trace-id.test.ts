import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/index.js";
import { startSimulator } from "../src/simulator/index.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { appMention, eventCallbackBody } from "./fakes/slack/payloads.js";
import { sendSigned } from "./fakes/slack/signed-request.js";
import { BOT_TOKEN, BOT_USER, SIGNING_SECRET, TEAM } from "./fakes/slack/slack-bot-fixture.js";
import { CliProcess } from "./helpers/cli-process.js";
import { freePort } from "./helpers/free-port.js";
import { TestRedisServer } from "./helpers/redis-server.js";

/**
 * One message followed across processes with grep: the Slack event id is the trace id of every log
 * line its work writes, in the gateway process and in the worker process.
 */
let redis: TestRedisServer;
const running: CliProcess[] = [];

beforeAll(async () => {
  redis = await TestRedisServer.start();
});
afterAll(async () => {
  for (const process of running) process.kill();
  await redis?.stop();
});

const logLines = (output: string) =>
  output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("trace id", () => {
  it("follows a Slack event from the gateway's intake to the worker's turn, by its event id", async () => {
    const sim = await startSimulator({ generationMs: 50, editMs: 5 });
    const fake = await FakeSlackApi.start({
      botToken: BOT_TOKEN,
      botUserId: BOT_USER,
      teamId: TEAM,
      scopes: [...SLACK_BOT_SCOPES],
    });
    try {
      const port = await freePort();
      const env = {
        NEMO_API_URL: sim.url,
        NEMO_WEB_URL: "https://web.example",
        REDIS_URL: redis.url,
        KEY_PREFIX: `trace${Date.now()}`,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        ADMIN_PORT: "0",
        LOG_LEVEL: "info",
      };
      const gateway = new CliProcess(["start", "--role", "gateway"], env);
      const worker = new CliProcess(["start", "--role", "worker"], env);
      running.push(gateway, worker);
      await Promise.all([gateway.waitFor('"msg":"bot-started"'), worker.waitFor('"msg":"bot-started"')]);
      await gateway.waitFor('"msg":"slack-adapter-started"');

      const eventId = "EvTraceOne";
      const body = eventCallbackBody(
        appMention({ channel: "C9", user: "U1", text: `<@${BOT_USER}> hello trace`, ts: "700.1" }),
        { team: TEAM, eventId, botUserId: BOT_USER },
      );
      const response = await sendSigned(`http://127.0.0.1:${port}/slack/events`, body, {
        secret: SIGNING_SECRET,
        contentType: "application/json",
      });
      expect(response.status).toBe(200);
      await worker.waitFor(/"msg":"turn-stream-ended"/);

      const traced = (output: string) =>
        logLines(output)
          .filter((line) => line.trace === eventId)
          .map((line) => line.msg);
      expect(traced(gateway.stdout)).toContain("inbound");
      expect(traced(worker.stdout)).toEqual(expect.arrayContaining(["turn-sending", "turn-stream-ended"]));
      // The worker's lines of this turn all carry the trace (none of its turn lines lack it).
      const turnLines = logLines(worker.stdout).filter((line) => String(line.msg).startsWith("turn-"));
      expect(turnLines.every((line) => line.trace === eventId)).toBe(true);
    } finally {
      await fake.close();
      await sim.close();
    }
  }, 90_000);
});
