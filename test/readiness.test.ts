import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../src/adapters/slack/index.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { FakeDiscord } from "./fakes/discord/fake-discord.js";
import { FakeSlackApi } from "./fakes/slack/fake-slack-api.js";
import { CliProcess } from "./helpers/cli-process.js";
import { duplicateKeys } from "./helpers/duplicate-keys.js";
import { useRedisServer } from "./helpers/redis-server.js";

// doctor and start run one readiness check (src/app/readiness.ts): each case here gives one verdict in
// both, read from the real CLI processes.

const redis = useRedisServer();
const BOT = "xoxb-readiness-secret-bot-token";
const SIGNING = "readiness-signing-secret";
const SECRETS_KEY = "a-readiness-secrets-key-long-enough-0123456789";

let sim: Simulator;
let slack: FakeSlackApi;
beforeAll(async () => {
  sim = await startSimulator();
  slack = await FakeSlackApi.start({ botToken: BOT, scopes: [...SLACK_BOT_SCOPES] });
});
afterAll(async () => {
  await sim.close();
  await slack.close();
});

async function baseEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    NEMO_API_URL: sim.url,
    REDIS_URL: redis.url,
    KEY_PREFIX: `ready${Date.now()}${Math.random().toString(36).slice(2, 6)}`,
    DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-ready-")),
    LOG_LEVEL: "info",
    PORT: "0",
    ADMIN_PORT: "0",
  };
}

/** `doctor` as a process: its exit code and everything it printed. */
async function doctor(
  env: NodeJS.ProcessEnv,
  role = "all",
): Promise<{ code: number | null; output: string }> {
  const cli = new CliProcess(["doctor", "--role", role], env);
  try {
    const { code } = await cli.exited;
    return { code, output: cli.stdout + cli.stderr };
  } finally {
    cli.kill();
  }
}

/** `start` as a process, until it logged `bot-started` ("started", left running) or exited (its code). */
async function start(
  env: NodeJS.ProcessEnv,
  role = "all",
): Promise<{ cli: CliProcess; outcome: "started" | number }> {
  const cli = new CliProcess(["start", "--role", role], env);
  const started = cli.waitFor('"msg":"bot-started"', 60_000).then(
    () => "started" as const,
    () => "no" as const,
  );
  const exited = cli.exited.then(({ code }) => code ?? -1);
  const first = await Promise.race([started, exited]);
  return { cli, outcome: first === "no" ? await exited : first };
}

async function stop(cli: CliProcess): Promise<void> {
  cli.signal("SIGTERM");
  await cli.exited;
}

/** Every JSON log line of a process; fails on a line that repeats a key. */
function logLines(cli: CliProcess): Record<string, unknown>[] {
  const lines = cli.stdout.split("\n").filter((line) => line.startsWith("{"));
  for (const line of lines) expect(duplicateKeys(line), line).toEqual([]);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function listen(host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe("one truth for readiness: doctor and start agree", () => {
  it("a Slack distribution setup (no SLACK_BOT_TOKEN) is ready in doctor and serves /slack/install at start", async () => {
    const env = {
      ...(await baseEnv()),
      SLACK_CLIENT_ID: "1234.5678",
      SLACK_CLIENT_SECRET: "readiness-client-secret",
      SLACK_STATE_SECRET: "readiness-state-secret-9f3c2a7d41e8",
      SLACK_SIGNING_SECRET: SIGNING,
      SECRETS_KEY,
      SLACK_API_URL: slack.apiUrl,
    };
    const checked = await doctor(env);
    expect(checked.output).toMatch(/✔ slack\s+Slack: installable in many workspaces/);
    expect(checked.output).toContain("Verdict: ready to chat — backend ready; chat platforms: slack.");
    expect(checked.code).toBe(0);
    const { cli, outcome } = await start(env);
    try {
      expect(outcome, cli.stderr).toBe("started");
      const lines = logLines(cli);
      const port = lines.find((line) => line.msg === "http-listening")?.port as number;
      const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: "manual" });
      expect(install.status).toBeLessThan(400);
      expect(lines.find((line) => line.msg === "slack-adapter-started")).toMatchObject({ platform: "slack" });
      expect(cli.stdout + cli.stderr).not.toMatch(
        /readiness-client-secret|readiness-state-secret|readiness-signing/,
      );
    } finally {
      await stop(cli);
    }
  });

  describe("the Message Content intent off in the Developer Portal", () => {
    let discord: FakeDiscord;
    beforeAll(async () => {
      discord = await FakeDiscord.start({ applicationFlags: 0, rejectMessageContentIntent: true });
    });
    afterAll(async () => {
      await discord.close();
    });

    it("asked for: NOT ready in both, each naming DISCORD_MESSAGE_CONTENT=false", async () => {
      const env = { ...(await baseEnv()), DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl };
      const checked = await doctor(env);
      expect(checked.output).toMatch(
        /✘ discord intents\s+.*off in the Developer Portal.*set DISCORD_MESSAGE_CONTENT=false/,
      );
      expect(checked.code).toBe(1);
      const { cli, outcome } = await start(env);
      expect(outcome).toBe(1);
      expect(cli.stderr).toMatch(/✘ discord intents: .*set DISCORD_MESSAGE_CONTENT=false/);
      expect(cli.stderr).toMatch(
        /nemo-video-bot: not ready .*discord intents: .*DISCORD_MESSAGE_CONTENT=false/,
      );
      expect(cli.stdout + cli.stderr).not.toContain(discord.token);
    });

    it("with DISCORD_MESSAGE_CONTENT=false: ready in both, no warning about the intent, and no public port", async () => {
      const env = {
        ...(await baseEnv()),
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        DISCORD_MESSAGE_CONTENT: "false",
      };
      const checked = await doctor(env);
      expect(checked.output).toMatch(
        /✔ discord intents\s+Message Content intent not requested \(DISCORD_MESSAGE_CONTENT=false\)/,
      );
      expect(checked.output).not.toMatch(/^[!✘] discord intents/m);
      expect(checked.output).toMatch(/- public port\s+PORT not bound/);
      expect(checked.code).toBe(0);
      const { cli, outcome } = await start(env);
      try {
        expect(outcome, cli.stderr).toBe("started");
        const lines = logLines(cli);
        expect(lines.some((line) => line.msg === "discord-started")).toBe(true);
        // Discord needs no public port: PORT is not bound.
        expect(lines.some((line) => line.msg === "http-listening")).toBe(false);
        expect(cli.stderr).toMatch(
          / {2}admin: {5}http:\/\/127\.0\.0\.1:\d+ \(\/metrics, \/healthz, \/queues\) — ADMIN_PORT\n/,
        );
      } finally {
        await stop(cli);
      }
    });
  });

  it("a busy ADMIN_PORT (set explicitly): NOT ready in both, with the same words and a free value", async () => {
    const { server, port } = await listen("127.0.0.1");
    try {
      const env = { ...(await baseEnv()), ADMIN_PORT: String(port) };
      const checked = await doctor(env);
      const line = new RegExp(
        `ADMIN_PORT ${port} on 127\\.0\\.0\\.1 is in use — set ADMIN_PORT=\\d+ \\(free now\\)`,
      );
      expect(checked.output).toMatch(new RegExp(`✘ admin port\\s+${line.source}`));
      expect(checked.code).toBe(1);
      const { cli, outcome } = await start(env);
      expect(outcome).toBe(1);
      expect(cli.stderr).toMatch(new RegExp(`✘ admin port: ${line.source}`));
    } finally {
      server.close();
    }
  });

  it("a busy PORT where Slack is served over HTTP: NOT ready in both, naming PORT", async () => {
    const { server, port } = await listen("0.0.0.0");
    try {
      const env = {
        ...(await baseEnv()),
        PORT: String(port),
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SIGNING,
        SLACK_API_URL: slack.apiUrl,
      };
      const checked = await doctor(env);
      const line = new RegExp(`PORT ${port} on 0\\.0\\.0\\.0 is in use — set PORT=\\d+ \\(free now\\)`);
      expect(checked.output).toMatch(new RegExp(`✘ public port\\s+${line.source}`));
      expect(checked.code).toBe(1);
      const { cli, outcome } = await start(env);
      expect(outcome).toBe(1);
      expect(cli.stderr).toMatch(new RegExp(`✘ public port: ${line.source}`));
    } finally {
      server.close();
    }
  });

  it("Slack unreachable: start names the cause as doctor does, without 'fetch failed' or library noise", async () => {
    const env = {
      ...(await baseEnv()),
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_API_URL: "http://slack-api.invalid/api",
    };
    const cause =
      /auth\.test failed: cannot reach Slack: DNS: cannot resolve slack-api\.invalid \((ENOTFOUND|EAI_AGAIN)\)/;
    const checked = await doctor(env);
    expect(checked.output).toMatch(cause);
    expect(checked.output).not.toMatch(/fetch failed|\[WARN\]|web-api:WebClient/);
    expect(checked.code).toBe(1);
    const { cli, outcome } = await start(env);
    expect(outcome).toBe(1);
    expect(cli.stderr).toMatch(cause);
    expect(cli.stdout + cli.stderr).not.toMatch(/A request error occurred|fetch failed|\[WARN\]/);
    logLines(cli);
  });

  it("a rejected bot token: both name SLACK_BOT_TOKEN, not a bare invalid_auth", async () => {
    const env = {
      ...(await baseEnv()),
      SLACK_BOT_TOKEN: "xoxb-readiness-wrong-token",
      SLACK_SIGNING_SECRET: SIGNING,
      SLACK_API_URL: slack.apiUrl,
    };
    const named =
      /Slack rejected SLACK_BOT_TOKEN \(invalid_auth\) — set SLACK_BOT_TOKEN to the Bot User OAuth Token/;
    const checked = await doctor(env);
    expect(checked.output).toMatch(named);
    expect(checked.code).toBe(1);
    const { cli, outcome } = await start(env);
    expect(outcome).toBe(1);
    expect(cli.stderr).toMatch(named);
    expect(cli.stdout + cli.stderr).not.toContain("readiness-wrong-token");
  });
});
