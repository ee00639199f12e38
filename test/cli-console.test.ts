import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

describe("nemo-video-bot start (console chat)", () => {
  it("chats through the full stack and exits cleanly on /quit", async () => {
    const sim = await startSimulator({ generationMs: 50 });
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--console"], {
      env: {
        ...process.env,
        NEMO_API_URL: sim.url,
        REDIS_URL: redis.url,
        KEY_PREFIX: `cli${Date.now()}`,
        PORT: "0",
        ADMIN_PORT: "0",
        DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-cli-")),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    const seen = (needle: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${needle}" in:\n${output}`)), 20_000);
        const check = () => {
          if (!output.includes(needle)) return;
          clearTimeout(timer);
          child.stdout.off("data", check);
          resolve();
        };
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.stdout.on("data", check);
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await seen("Commands:");
      child.stdin.write("generate a video of a quiet harbour\n");
      await seen("Music and title added");
      child.stdin.write("status\n");
      await seen("Timeline (3 tracks)");
      // The commands Discord and Slack have, answered by the same use cases.
      child.stdin.write("/whoami\n");
      await seen("This thread uses the bot's NemoVideo account.");
      child.stdin.write("/history\n");
      await seen("You haven't exported any videos in the last 30 days.");
      child.stdin.write("/usage\n");
      await seen("Your use here — last 24 h: 1 message, 1 video generation, 0 exports.");
      child.stdin.write("/login\n");
      await seen("Linking your own NemoVideo account is not enabled on this bot");
      expect(output).not.toContain("Unknown command");
      expect(output).not.toMatch(/\b1 (messages|video generations|exports)\b/);
      child.stdin.write("/quit\n");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await sim.close();
    }
  }, 40_000);

  it("links a member's own account with /login TOKEN, shows it masked in /whoami, never prints or logs the token", async () => {
    const sim = await startSimulator({ generationMs: 50 });
    const token = "nmv_usr_ConsoleLoginTokenForTheTest_Q7";
    sim.createAccount({ token });
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-cli-"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--console"], {
      env: {
        ...process.env,
        NEMO_API_URL: sim.url,
        REDIS_URL: redis.url,
        KEY_PREFIX: `cli${Date.now()}`,
        SECRETS_KEY: randomBytes(32).toString("hex"),
        PORT: "0",
        ADMIN_PORT: "0",
        DATA_DIR: dataDir,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const seen = (needle: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!output.includes(needle)) return;
          child.stdout.off("data", check);
          child.off("exit", gone);
          resolve();
        };
        const gone = () => reject(new Error(`exited before "${needle}":\n${output}`));
        child.stdout.on("data", check);
        child.once("exit", gone);
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      await seen("Commands:");
      child.stdin.write("/login\n");
      await seen("Type /login followed by your NemoVideo API token");
      child.stdin.write(`/login ${token}\n`);
      await seen("Your NemoVideo account nmv_••••t_Q7 is linked");
      child.stdin.write("/whoami\n");
      await seen("Your linked account: nmv_••••t_Q7.");
      child.stdin.write("/quit\n");
      expect(await exited).toBe(0);
      expect(output).not.toContain(token);
      expect(await readFile(join(dataDir, "bot.log"), "utf8")).not.toContain(token);
    } finally {
      child.kill("SIGKILL");
      await sim.close();
    }
  });
});
