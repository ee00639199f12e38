import { randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { CliProcess } from "./helpers/cli-process.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

describe("nemo-video-bot start (console chat)", () => {
  it("chats through the full stack and exits cleanly on /quit", async () => {
    const sim = await startSimulator({ generationMs: 50 });
    const cli = new CliProcess(["start", "--console"], {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: `cli${Date.now()}`,
      PORT: "0",
      ADMIN_PORT: "0",
      DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-cli-")),
    });
    const seen = (needle: string) => cli.waitFor(needle, 20_000);
    try {
      await seen("Commands:");
      cli.write("generate a video of a quiet harbour");
      await seen("Music and title added");
      cli.write("status");
      await seen("Timeline (3 tracks)");
      // The commands Discord and Slack have, answered by the same use cases.
      cli.write("/whoami");
      await seen("This thread uses the bot's NemoVideo account.");
      cli.write("/history");
      await seen("You haven't exported any videos in the last 30 days.");
      cli.write("/usage");
      await seen("Your use here — last 24 h: 1 message, 1 video generation, 0 exports.");
      cli.write("/login");
      await seen("Linking your own NemoVideo account is not enabled on this bot");
      expect(cli.stdout).not.toContain("Unknown command");
      expect(cli.stdout).not.toMatch(/\b1 (messages|video generations|exports)\b/);
      cli.write("/quit");
      expect((await cli.exited).code).toBe(0);
    } finally {
      cli.kill();
      await sim.close();
    }
  }, 40_000);

  it("links a member's own account with /login TOKEN, shows it masked in /whoami, never prints or logs the token", async () => {
    const sim = await startSimulator({ generationMs: 50 });
    const token = "nmv_usr_ConsoleLoginTokenForTheTest_Q7";
    sim.createAccount({ token });
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-cli-"));
    const cli = new CliProcess(["start", "--console"], {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: `cli${Date.now()}`,
      SECRETS_KEY: randomBytes(32).toString("hex"),
      PORT: "0",
      ADMIN_PORT: "0",
      DATA_DIR: dataDir,
    });
    const seen = (needle: string) => cli.waitFor(needle, 20_000);
    try {
      await seen("Commands:");
      cli.write("/login");
      await seen("Type /login followed by your NemoVideo API token");
      cli.write(`/login ${token}`);
      await seen("Your NemoVideo account nmv_••••t_Q7 is linked");
      cli.write("/whoami");
      await seen("Your linked account: nmv_••••t_Q7.");
      cli.write("/quit");
      expect((await cli.exited).code).toBe(0);
      expect(cli.stdout).not.toContain(token);
      expect(cli.stderr).not.toContain(token);
      expect(await readFile(join(dataDir, "bot.log"), "utf8")).not.toContain(token);
    } finally {
      cli.kill();
      await sim.close();
    }
  });
});
