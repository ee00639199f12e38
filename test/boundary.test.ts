import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function imports(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm)].map((match) => match[1]!);
}

async function violations(dir: string, forbidden: RegExp): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sources(dir)) {
    for (const spec of await imports(file))
      if (forbidden.test(spec)) found.push(`${relative(".", file)} → ${spec}`);
  }
  return found;
}

describe("layer boundaries (DESIGN.md)", () => {
  it("core knows no platform, queue or Redis library, nor the outer layers", async () => {
    expect(
      await violations(
        "src/core",
        /^(discord\.js|@discordjs\/|@slack\/|bullmq|ioredis)|\/(jobs|adapters|app|simulator)\//,
      ),
    ).toEqual([]);
  });

  it("adapters know no queue internals", async () => {
    expect(await violations("src/adapters", /^(bullmq|ioredis)|\/jobs\//)).toEqual([]);
  });

  it("jobs reach chat platforms only through the Messenger interface", async () => {
    expect(await violations("src/jobs", /^(discord\.js|@discordjs\/|@slack\/)|\/adapters\//)).toEqual([]);
  });

  it("the scan sees imports at all (it can fail)", async () => {
    expect((await violations("src/jobs", /^bullmq$/)).length).toBeGreaterThan(0);
  });
});
