import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../src/simulator/index.js";
import { CliProcess } from "./helpers/cli-process.js";
import { useRedisServer } from "./helpers/redis-server.js";

const redis = useRedisServer();

/** Settings (issue 21) in the console chat: the real CLI, console adapter, Redis and the simulator. */
describe("/settings in the console chat", () => {
  it("sets 9:16 and a length (clamped by the place's maximum), and the next generation gets them", async () => {
    // Long enough for the generation's progress line to be printed before the video is ready.
    const sim = await startSimulator({ generationMs: 1_500 });
    const cli = new CliProcess(["start", "--console"], {
      NEMO_API_URL: sim.url,
      REDIS_URL: redis.url,
      KEY_PREFIX: `settings${Date.now()}`,
      PORT: "0",
      ADMIN_PORT: "0",
      DATA_DIR: await mkdtemp(join(tmpdir(), "nemo-settings-")),
    });
    /** Types `line`, waits for `expected` printed after it, and returns what was printed after it. */
    const type = async (line: string, expected: string) => {
      const from = cli.mark();
      cli.write(line);
      await cli.waitFor(expected, 20_000, from);
      return cli.since(from);
    };
    try {
      await cli.waitFor("Commands:", 20_000);
      expect(cli.stdout).toContain("/settings");
      const shown = await type("/settings", "Your settings here:");
      expect(shown).toContain("Aspect ratio: not set");

      expect(await type("/settings ratio 9:16", "✅ Saved.")).toContain("Aspect ratio: 9:16");
      expect(await type("/settings length 15", "✅ Saved.")).toContain("Target length: ~15 s");
      // The console's own user runs the bot: it may set the place's limits; the member's 15 s is clamped.
      const clamped = await type("/settings place max-length 10", "✅ Saved.");
      expect(clamped).toContain("Longest length members may pick: ~10 s");
      expect(clamped).toContain("Your length (15 s) is above this place's maximum: 10 s applies here.");
      expect(clamped).toContain("Target length: ~10 s");
      expect(await type("/settings ratio 4:3", "I didn't understand that setting")).toContain(
        "Aspect ratio: 9:16",
      );

      const generated = await type("generate a video of a quiet harbour", "Music and title added");
      expect(generated).toContain("🎬 Generating video · 9:16 · ~10 s — usually 2–5 min");
      expect(generated).toContain("Your 9:16 video (1080×1920) is ready!");
      const sent = sim.requests.filter((request) => request.path === "/run_sse");
      expect(sent.map((request) => request.message)).toEqual([
        "[Video settings: aspect ratio 9:16, length about 10 seconds]\ngenerate a video of a quiet harbour",
      ]);
      const state = sim.state(sent[0]!.sessionId!) as {
        canvas_config: Record<string, unknown>;
        draft: { m?: Record<string, unknown> };
        video_infos: { width: number; height: number; duration: number }[];
      };
      expect(state.canvas_config).toEqual({ width: 1080, height: 1920, ratio: "9:16" });
      expect(state.draft.m).toMatchObject({ ratio: "9:16", width: 1080, height: 1920 });
      expect(state.video_infos[0]).toMatchObject({ width: 1080, height: 1920, duration: 10 });

      // Unchanged settings are not sent again; the bot's words follow the member's language.
      expect(await type("/settings language zh-CN", "✅ 已保存。")).toContain("画面比例：9:16");
      // Its acknowledgement too: the settings read beside the line position decide the note's language.
      expect(await type("add a title Harbour", "Harbour")).toContain("⏳ 正在处理…");
      expect(sim.requests.filter((request) => request.path === "/run_sse").at(-1)?.message).toBe(
        "add a title Harbour",
      );
      expect(await type("/credits", "积分")).not.toContain("credits left");

      expect(await type("/settings reset", "✅ Your settings are back to this place's defaults.")).toContain(
        "Aspect ratio: not set",
      );
      cli.write("/quit");
      expect((await cli.exited).code).toBe(0);
    } finally {
      cli.kill();
      await sim.close();
    }
  }, 60_000);
});
