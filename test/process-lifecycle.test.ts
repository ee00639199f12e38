import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isRunning } from "../src/redis/leftover-redis.js";
import type { RecordedRequest } from "../src/simulator/index.js";
import { CliProcess, pidIn, processesIn } from "./helpers/cli-process.js";
import { freePort } from "./helpers/free-port.js";

const running: CliProcess[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "nemo-life-"));
  dirs.push(dir);
  return dir;
}

function cli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const process = new CliProcess(args, { LOG_LEVEL: "info", ...env });
  running.push(process);
  return process;
}

async function runSseMessages(simUrl: string): Promise<(string | undefined)[]> {
  const response = await fetch(`${simUrl}/__sim/requests`);
  const requests = (await response.json()) as RecordedRequest[];
  return requests.filter((request) => request.path === "/run_sse").map((request) => request.message);
}

const simUrlOf = (output: string) => /simulated NemoVideo at (http:\/\/[\d.:]+)/.exec(output)?.[1] ?? "";

afterEach(async () => {
  for (const process of running.splice(0)) process.kill();
  for (const dir of dirs.splice(0)) {
    for (const pid of processesIn(join(dir, "demo", "redis")).concat(processesIn(join(dir, "redis")))) {
      process.kill(pid, "SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  }
});

describe.skipIf(process.platform !== "linux")("process lifecycle (the real CLI)", () => {
  it("demo: two Ctrl-C during a generation exit at once with nothing left; the next demo replays nothing", async () => {
    const dataDir = await tempDir();
    const redisDir = join(dataDir, "demo", "redis");
    const env = { DATA_DIR: dataDir, PORT: "0" };

    const first = cli(["demo"], env);
    await first.waitFor("Commands:");
    const firstSim = simUrlOf(first.stdout);
    const redisPid = await pidIn(join(redisDir, "redis-server.pid"));
    expect(redisPid).toBeDefined();
    first.write("generate a video of a harbour at dawn");
    await expect.poll(() => runSseMessages(firstSim), { timeout: 30_000 }).toHaveLength(1);
    // A second message waits behind the running one: an abandoned prompt the next demo must not send.
    first.write("add a title Abandoned Prompt");
    await first.waitFor("1 message ahead");
    first.signal("SIGINT");
    await first.waitFor("press Ctrl-C again to stop now");
    const secondCtrlC = performance.now();
    first.signal("SIGINT");
    const exit = await first.exited;
    console.log(
      `demo exit after the second Ctrl-C: ${Math.round(exit.at - secondCtrlC)} ms (code ${exit.code})`,
    );
    expect(exit.code).toBe(130);
    await expect.poll(() => isRunning(redisPid!), { timeout: 10_000 }).toBe(false);
    expect(processesIn(redisDir)).toEqual([]);

    const second = cli(["demo"], env);
    await second.waitFor("Commands:");
    const secondSim = simUrlOf(second.stdout);
    second.write("generate a video of a mountain lake");
    await second.waitFor("Your video is ready", 60_000);
    expect(await runSseMessages(secondSim)).toEqual(["generate a video of a mountain lake"]);
    expect(second.stdout).not.toContain("Abandoned Prompt");
    second.write("/quit");
    expect((await second.exited).code).toBe(0);
    await expect.poll(() => processesIn(redisDir), { timeout: 10_000 }).toEqual([]);
  }, 150_000);

  it("a busy ADMIN_PORT: one clear line, exit 1, no redis-server left", async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const bot = cli(["start"], { DATA_DIR: dataDir, ADMIN_PORT: String(port) });
      const exit = await bot.exited;
      expect(exit.code).toBe(1);
      const problems = problemLines(bot.stderr);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^nemo-video-bot: not ready \\(the same checks as \`doctor\`\\): admin port: ADMIN_PORT ${port} on 127\\.0\\.0\\.1 is in use — set ADMIN_PORT=\\d+ \\(free now\\), or unset ADMIN_PORT`,
        ),
      );
      expect(processesIn(join(dataDir, "redis"))).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  it("Redis unreachable at start: one clear line, exit 1", async () => {
    const port = await freePort();
    const bot = cli(["start", "--role", "worker"], {
      DATA_DIR: await tempDir(),
      REDIS_URL: `redis://:secret@127.0.0.1:${port}`,
    });
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    const problems = problemLines(bot.stderr);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^nemo-video-bot: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/? within \\d+ s \\(ECONNREFUSED\\); start Redis or fix REDIS_URL$`,
      ),
    );
    expect(bot.stderr).not.toContain("secret");
  }, 60_000);

  it("a Ctrl-C during start-up (waiting for Redis) stops cleanly at once", async () => {
    const port = await freePort();
    const bot = cli(["start", "--role", "worker"], {
      DATA_DIR: await tempDir(),
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    // Still starting: the first connection attempt failed, the start waits for Redis.
    await bot.waitFor("redis-error");
    bot.signal("SIGINT");
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(bot.stderr).not.toContain("cannot reach Redis");
  }, 60_000);

  it("a SIGKILLed bot does not leave its embedded Redis running", async () => {
    const dataDir = await tempDir();
    const bot = cli(["start", "--role", "worker"], { DATA_DIR: dataDir });
    await bot.waitFor("bot-started");
    const redisPid = await pidIn(join(dataDir, "redis", "redis-server.pid"));
    expect(redisPid).toBeDefined();
    bot.signal("SIGKILL");
    await bot.exited;
    await expect.poll(() => isRunning(redisPid!), { timeout: 10_000 }).toBe(false);
    expect(processesIn(join(dataDir, "redis"))).toEqual([]);
  }, 60_000);

  it("one SIGTERM stops gracefully (exit 0), stopping the embedded Redis last", async () => {
    const dataDir = await tempDir();
    const bot = cli(["start", "--role", "worker"], { DATA_DIR: dataDir });
    await bot.waitFor("bot-started");
    const redisPid = await pidIn(join(dataDir, "redis", "redis-server.pid"));
    bot.signal("SIGTERM");
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(bot.stdout).toContain("bot-stopped");
    expect(isRunning(redisPid!)).toBe(false);
  }, 60_000);
});

/** stderr without the start-up banner (its first line and its indented lines): what went wrong. */
function problemLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("nemo-video-bot start (") && !line.startsWith("  "));
}
