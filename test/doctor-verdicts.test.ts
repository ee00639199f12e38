import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/setup/doctor-check.js";
import { loadConfig } from "../src/config/config.js";
import { platformSetup } from "../src/config/platform-setup.js";
import { runDoctor } from "../src/doctor/run-doctor.js";
import { startSimulator } from "../src/simulator/index.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";

const BOT = "xoxb-verdict-secret-bot-token";
const SECRET = "verdict-signing-secret";

async function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  let output = "";
  const code = await runDoctor({ DATA_DIR: await mkdtemp(join(tmpdir(), "doctor-v-")), ...env }, (text) => {
    output += text;
  });
  return { code, output };
}

let sim: Awaited<ReturnType<typeof startSimulator>>;
let slack: FakeSlackApi;
beforeAll(async () => {
  sim = await startSimulator();
  slack = await FakeSlackApi.start({ botToken: BOT, scopes: [...SLACK_BOT_SCOPES] });
});
afterAll(async () => {
  await sim.close();
  await slack.close();
});

describe("doctor verdicts", () => {
  it("no chat platform: backend ready, not ready to chat (exit 3), each platform explained", async () => {
    const { code, output } = await doctor({ NEMO_API_URL: sim.url });
    expect(output).toMatch(/- discord\s+Discord: not configured \(DISCORD_TOKEN is not set\)/);
    expect(output).toMatch(/- slack\s+Slack: not configured \(SLACK_BOT_TOKEN is not set\)/);
    expect(output).toContain("Verdict: backend ready, NOT ready to chat — no chat platform is configured");
    expect(output).not.toContain("Verdict: ready");
    expect(code).toBe(3);
  });

  it("a complete platform: ready to chat (exit 0)", async () => {
    const { code, output } = await doctor({
      NEMO_API_URL: sim.url,
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
    expect(output).toContain("Verdict: ready to chat — backend ready; chat platforms: slack.");
    expect(output).not.toContain(BOT);
    expect(output).not.toContain(SECRET);
    expect(code).toBe(0);
  });

  it("only SLACK_BOT_TOKEN: the same explanation as start prints, and a failure (exit 1)", async () => {
    const env = { NEMO_API_URL: sim.url, SLACK_BOT_TOKEN: BOT, SLACK_API_URL: slack.apiUrl };
    const { code, output } = await doctor(env);
    const explanation = platformSetup(loadConfig(env)).find(
      (setup) => setup.platform === "slack",
    )?.explanation;
    expect(explanation).toBe(
      "Slack: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) — set one of them to start Slack",
    );
    expect(output.split("\n")).toContainEqual(
      expect.stringMatching(/^✘ slack\s+Slack: SLACK_BOT_TOKEN is set/),
    );
    expect(output).toContain(` ${explanation}\n`);
    // The token itself is still checked; the generic transport line gives way to the explanation.
    expect(output).toMatch(/✔ slack auth\s+team Fake Team/);
    expect(output).not.toContain("slack transport");
    expect(output).toContain("Verdict: NOT ready — 1 check failed");
    expect(code).toBe(1);
  });

  it("a half-configured Discord is a failure too", async () => {
    const { code, output } = await doctor({ NEMO_API_URL: sim.url, DISCORD_GUILD_ID: "123" });
    expect(output).toMatch(/✘ discord\s+Discord: DISCORD_GUILD_ID is set but DISCORD_TOKEN is not/);
    expect(code).toBe(1);
  });

  it("names a DNS failure of the backend (a .invalid host)", async () => {
    const { code, output } = await doctor({ NEMO_API_URL: "https://nemo-backend.invalid" });
    expect(output).toMatch(
      /✘ reachability\s+cannot reach https:\/\/nemo-backend\.invalid: DNS: cannot resolve nemo-backend\.invalid \((ENOTFOUND|EAI_AGAIN)\)/,
    );
    expect(output).toMatch(/- auth\s+backend unreachable/);
    expect(code).toBe(1);
  });

  it("names Slack's network failure instead of 'fetch failed'", async () => {
    const { code, output } = await doctor({
      NEMO_API_URL: sim.url,
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: "http://slack-api.invalid/api",
    });
    expect(output).toMatch(
      /✘ slack auth\s+auth\.test failed: cannot reach Slack: DNS: cannot resolve slack-api\.invalid \((ENOTFOUND|EAI_AGAIN)\)/,
    );
    expect(output).not.toContain("fetch failed");
    expect(code).toBe(1);
  });

  describe("a server that answers 404 everywhere", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("nope"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("is reachable (HTTP 404 on /, said neutrally), and the API checks fail", async () => {
      const { code, output } = await doctor({ NEMO_API_URL: url });
      expect(output).toMatch(
        /✔ reachability\s+reachable: the server answered in \d+ ms \(HTTP 404 on \/; any HTTP answer counts\)/,
      );
      expect(output).not.toMatch(/✔ reachability\s+HTTP 404/);
      expect(output).toMatch(/✘ auth/);
      expect(output).toContain("Verdict: NOT ready");
      expect(code).toBe(1);
    });
  });
});
