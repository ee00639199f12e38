import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startupLines } from "../src/app/startup-banner.js";
import { loadConfig } from "../src/config/config.js";
import { platformSetup } from "../src/config/platform-setup.js";
import { startSimulator } from "../src/simulator/index.js";
import { eventually } from "./helpers/eventually.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/** The real CLI (`start`) from source, with stdout and stderr collected. */
function startCli(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli.ts", "start", ...args],
    { env: { ...process.env, PORT: "0", ...env }, stdio: ["pipe", "pipe", "pipe"] },
  );
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const seen = (where: "stdout" | "stderr", needle: string) =>
    eventually(() => out[where].includes(needle), 30_000, `"${needle}" on ${where}:\n${out[where]}`);
  return { child, out, exited, seen };
}

describe("nemo-video-bot start: the first lines", () => {
  it("names the backend, the platforms (half-configured Slack as doctor explains it), Redis and the logs; refuses as doctor does", async () => {
    const sim = await startSimulator();
    const env = {
      NEMO_API_URL: sim.url,
      REDIS_URL: `redis://:pw-not-shown@127.0.0.1:${new URL(redis.url).port}`,
      KEY_PREFIX: `start${Date.now()}`,
      SLACK_BOT_TOKEN: "xoxb-start-secret-token",
      // Refused at once: the token's own check fails too, without waiting on the network.
      SLACK_API_URL: "http://127.0.0.1:9/api",
      DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-start-")),
    };
    const cli = startCli(env);
    try {
      // doctor calls a half-configured platform NOT ready: start, running the same checks, refuses.
      expect(await cli.exited).toBe(1);
      const lines = cli.out.stderr.split("\n");
      expect(lines[0]).toBe("nemo-video-bot start (role all)");
      expect(lines[1]).toBe(
        `  backend:   ${sim.url} — not NemoVideo: a simulator or custom URL (NEMO_API_URL)`,
      );
      expect(lines[2]).toMatch(/^ {2}platforms: NONE — no chat platform configured/);
      const slack = platformSetup(loadConfig(env)).find((setup) => setup.platform === "slack")!;
      expect(lines[3]).toBe(`  ! ${slack.explanation}`);
      expect(lines[4]).toBe(`  redis:     redis://***@127.0.0.1:${new URL(redis.url).port} (REDIS_URL)`);
      expect(lines[5]).toBe("  logs:      stdout (JSON lines)");
      expect(lines).toContain(`  ✘ slack: ${slack.explanation}`);
      expect(cli.out.stderr).toMatch(
        /^nemo-video-bot: not ready \(the same checks as `doctor`\): slack: Slack: SLACK_BOT_TOKEN is set/m,
      );
      expect(cli.out.stderr + cli.out.stdout).not.toMatch(/pw-not-shown|xoxb-start-secret/);
      expect(cli.out.stdout).toContain('"msg":"platform-incomplete"');
    } finally {
      cli.child.kill("SIGKILL");
      await sim.close();
    }
  }, 60_000);

  it("console chat: says where the log file is; a failure shows its code, and the log has it with the cause", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-start-"));
    const cli = startCli(
      {
        NEMO_API_URL: "https://nemo-backend.invalid",
        REDIS_URL: redis.url,
        KEY_PREFIX: `startc${Date.now()}`,
        DATA_DIR: dataDir,
      },
      ["--console"],
    );
    try {
      await cli.seen("stderr", "backend check:");
      expect(cli.out.stderr).toContain(
        `  logs:      ${join(dataDir, "bot.log")} (the console chat owns this terminal)`,
      );
      expect(cli.out.stderr).toMatch(
        /! backend check: cannot reach https:\/\/nemo-backend\.invalid: DNS: cannot resolve nemo-backend\.invalid \((ENOTFOUND|EAI_AGAIN)\) — chats will fail with code E-DNS/,
      );
      await cli.seen("stdout", "Commands:");
      cli.child.stdin.write("generate a video of a lighthouse\n");
      await cli.seen("stdout", "(code E-DNS)");
      // Nothing was sent: the message waits for the backend, and the user is told why, with the code.
      expect(cli.out.stdout).toMatch(/NemoVideo.*queued.*\(code E-DNS\)/);
      // pino writes the file asynchronously: wait for the line.
      const turnFailed = () =>
        (existsSync(join(dataDir, "bot.log")) ? readFileSync(join(dataDir, "bot.log"), "utf8") : "")
          .split("\n")
          .filter(Boolean)
          .flatMap((line) => {
            try {
              return [JSON.parse(line) as Record<string, unknown>];
            } catch {
              return []; // a line still being written
            }
          })
          .find((entry) => entry.msg === "turn-waiting-for-backend");
      await eventually(() => turnFailed() !== undefined, 10_000, "turn-waiting-for-backend in bot.log");
      const failed = turnFailed();
      expect(failed).toMatchObject({
        failure: "E-DNS",
        code: "NEMO_UNAVAILABLE",
        cause: expect.stringMatching(/^DNS: cannot resolve nemo-backend\.invalid/),
      });
      cli.child.stdin.write("/quit\n");
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill("SIGKILL");
    }
  }, 60_000);
});

describe("startupLines", () => {
  it("names each started platform with its explanation", () => {
    const config = loadConfig({ DISCORD_TOKEN: "t", SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    const lines = startupLines({ config, role: "gateway", adapters: ["discord", "slack"] });
    expect(lines[2]).toBe(
      "  platforms: Discord: DISCORD_TOKEN is set; Slack: Socket Mode (SLACK_BOT_TOKEN + SLACK_APP_TOKEN)",
    );
    expect(startupLines({ config, role: "worker", adapters: [] })[2]).toBe(
      "  platforms: none in this process (role worker: workers only)",
    );
  });

  it("says plainly when nothing is configured and the real NemoVideo is used", () => {
    const lines = startupLines({ config: loadConfig({ DATA_DIR: "/srv/bot" }), role: "all", adapters: [] });
    expect(lines[1]).toBe(
      "  backend:   https://mega-api-prod.nemovideo.ai — the REAL NemoVideo service, anonymously (no NEMO_TOKEN); `npm run demo` runs offline against the simulator instead",
    );
    expect(lines).toContain(
      "  redis:     embedded redis-server, unix socket /srv/bot/redis/redis.sock (REDIS_URL not set)",
    );
  });
});
