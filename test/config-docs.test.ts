import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.js";
import { runConfigCommand } from "../src/config/config-command.js";
import {
  CONFIGURATION_MD,
  configDocsProblems,
  configVariables,
  ENV_EXAMPLE,
  generatedConfigFiles,
} from "../src/config/config-reference.js";

const root = join(import.meta.dirname, "..");

describe("configuration reference (drift check)", () => {
  it("documents every schema variable, and nothing else", () => {
    expect(configDocsProblems()).toEqual([]);
  });

  it.each(generatedConfigFiles().map((file) => [file.path, file.text]))(
    "the committed %s is what `npm run config` writes",
    (path, text) => {
      // On a difference: run `npm run config` and commit the result.
      expect(readFileSync(join(root, path), "utf8")).toBe(text);
    },
  );

  it("reads defaults from the schema itself", () => {
    const byName = new Map(configVariables().map((variable) => [variable.name, variable]));
    expect(byName.get("TURN_CONCURRENCY")?.defaultValue).toBe("2000");
    expect(byName.get("DISCORD_MESSAGE_CONTENT")?.defaultValue).toBe("true");
    expect(byName.get("REDIS_URL")?.defaultValue).toBeUndefined();
    expect(byName.get("DOWNLOAD_HOSTS")?.defaultValue).toBeUndefined();
  });

  it(".env.example leaves every secret empty and, copied as it is, configures the defaults", () => {
    const text = readFileSync(join(root, ENV_EXAMPLE), "utf8");
    const assigned = parseEnv(text);
    const secrets = configVariables().filter((variable) => variable.secret);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(assigned[secret.name]).toBe("");
    expect(Object.keys(assigned).sort()).toEqual(secrets.map((secret) => secret.name).sort());
    expect(loadConfig(assigned, "/nonexistent/.env")).toEqual(loadConfig({}, "/nonexistent/.env"));
  });
});

describe("nemo-video-bot config", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("writes both files; --check passes on them and fails on a stale or missing one", () => {
    dir = mkdtempSync(join(tmpdir(), "nemo-config-"));
    const out: string[] = [];
    const write = (text: string) => void out.push(text);

    expect(runConfigCommand(["--check"], dir, write)).toBe(1);
    expect(out.join("")).toContain(`${CONFIGURATION_MD} is out of date`);

    expect(runConfigCommand([], dir, write)).toBe(0);
    expect(runConfigCommand(["--check"], dir, write)).toBe(0);

    writeFileSync(join(dir, ENV_EXAMPLE), `${readFileSync(join(dir, ENV_EXAMPLE), "utf8")}EXTRA=1\n`);
    out.length = 0;
    expect(runConfigCommand(["--check"], dir, write)).toBe(1);
    expect(out.join("")).toBe(`${ENV_EXAMPLE} is out of date: run \`npm run config\` and commit it\n`);
  });
});
