import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bindsPublicPort } from "../src/app/port-checks.js";
import { loadConfig } from "../src/config/config.js";
import { createLogger } from "../src/core/logger.js";
import { duplicateKeys } from "./helpers/duplicate-keys.js";
import { eventually } from "./helpers/eventually.js";

const NEMO = { NEMO_API_URL: "http://127.0.0.1:9" };
const SLACK_HTTP = { SLACK_BOT_TOKEN: "xoxb-ports", SLACK_SIGNING_SECRET: "ports-signing-secret" };

describe("the public PORT: only for Slack over HTTP", () => {
  it.each([
    ["Discord only", { DISCORD_TOKEN: "discord-token" }, "all", false],
    ["Socket Mode", { ...SLACK_HTTP, SLACK_APP_TOKEN: "xapp-ports" }, "gateway", false],
    ["the console (nothing configured)", {}, "all", false],
    ["a worker, even with Slack HTTP configured", SLACK_HTTP, "worker", false],
    ["Slack Events API over HTTP", SLACK_HTTP, "gateway", true],
    [
      "a distributed Slack app (OAuth install pages)",
      {
        SLACK_CLIENT_ID: "1.2",
        SLACK_CLIENT_SECRET: "client-secret",
        SLACK_STATE_SECRET: "ports-state-secret-5b9e1c7a2d4f",
        SLACK_SIGNING_SECRET: "signing-secret",
        SECRETS_KEY: "a-ports-secrets-key-that-is-long-enough-0123",
      },
      "all",
      true,
    ],
  ] as const)("%s → %s", (_name, env, role, binds) => {
    expect(bindsPublicPort(loadConfig({ ...NEMO, ...env }), role)).toBe(binds);
  });

  it("remembers whether ADMIN_PORT was set (a set one is strict)", () => {
    expect(loadConfig(NEMO)).toMatchObject({ ADMIN_PORT: 9464, adminPortExplicit: false });
    expect(loadConfig({ ...NEMO, ADMIN_PORT: "9464" })).toMatchObject({ adminPortExplicit: true });
  });
});

describe("log lines keep each key once", () => {
  it("a child bound twice to a key, and a call repeating it, write it once (another value as call.<key>)", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "log-keys-")), "bot.log");
    const logger = createLogger({ file });
    const slack = logger.child({ platform: "slack" }).child({ platform: "slack", transport: "http" });
    slack.info({ team: "T1", platform: "slack" }, "slack-adapter-started");
    slack.info({ platform: "discord" }, "odd-one");
    slack.error(new Error("boom"), "with-an-error");
    // The file is written asynchronously (sonic-boom): wait for the three lines.
    const written = () => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []);
    await eventually(() => written().length === 3, 5_000, "three log lines");
    const lines = written();
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(duplicateKeys(line), line).toEqual([]);
    const [started, odd] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(started).toMatchObject({
      platform: "slack",
      transport: "http",
      team: "T1",
      msg: "slack-adapter-started",
    });
    expect(odd).toMatchObject({ platform: "slack", "call.platform": "discord" });
    expect(duplicateKeys('{"platform":"slack","platform":"slack"}')).toEqual(["platform"]);
  });
});
