import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CliProcess } from "./helpers/cli-process.js";

const dirs: string[] = [];
const running: CliProcess[] = [];
afterAll(async () => {
  for (const process of running) process.kill();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("the demo in Chinese, through the real CLI", () => {
  it("understands Chinese prompts and answers in Chinese (generation, title, shorter)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nemo-demo-zh-"));
    dirs.push(dataDir);
    const demo = new CliProcess(["demo"], { DATA_DIR: dataDir, ADMIN_PORT: "0", PORT: "0" });
    running.push(demo);
    await demo.waitFor("Commands:");
    demo.write("生成一个城市夜景延时视频");
    // The backend's own words arrive in Chinese (GUI directions translated into chat actions).
    await demo.waitFor("我添加了背景音乐和标题");
    demo.write("加标题 城市之梦");
    await demo.waitFor("已添加标题「城市之梦」");
    demo.write("缩短到5秒");
    await demo.waitFor("5 秒");
    expect(demo.stdout).not.toContain("You said");
    demo.write("/quit");
    expect((await demo.exited).code).toBe(0);
  }, 120_000);
});
